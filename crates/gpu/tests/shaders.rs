//! Every WGSL kernel parses and validates with naga (the version wgpu 30 uses), without a GPU; and
//! every file in shaders/ is one the crate uses.

use naga::valid::{Capabilities, ValidationFlags, Validator};
use seq2seq_gpu::shaders;

#[test]
fn every_shader_parses_and_validates() {
    let mut failures = Vec::new();
    for (name, source) in shaders::ALL {
        let module = match naga::front::wgsl::parse_str(source) {
            Ok(m) => m,
            Err(e) => {
                failures.push(format!("{name}: parse error\n{}", e.emit_to_string(source)));
                continue;
            }
        };
        let mut validator = Validator::new(ValidationFlags::all(), Capabilities::default());
        if let Err(e) = validator.validate(&module) {
            failures.push(format!(
                "{name}: validation error\n{}",
                e.emit_to_string(source)
            ));
        }
        assert!(
            source.starts_with("// "),
            "{name}: the header comment (bindings, layout, dispatch) is missing"
        );
        // Tint (Chrome's WGSL compiler) rejects decimal literals that round past f32::MAX, which
        // naga accepts: write the largest float as the exact hex literal -0x1.fffffep+127f.
        assert!(
            !source.contains("e38"),
            "{name}: use -0x1.fffffep+127f instead of a decimal e38 literal"
        );
        for word in ["Bindings", "Dispatch"] {
            assert!(
                source.contains(word),
                "{name}: the header comment does not describe `{word}`"
            );
        }
    }
    assert!(
        failures.is_empty(),
        "{} shader(s) failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn every_file_in_shaders_is_used() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shaders");
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".wgsl") {
            assert!(
                shaders::ALL.iter().any(|(n, _)| *n == name),
                "shaders/{name} is not listed in seq2seq_gpu::shaders::ALL"
            );
        }
    }
}

/// `requirements::KERNEL_NEEDS` is exactly the maximum, over every entry point of every shader,
/// of what naga's reflection says it uses: a shader that grows its workgroup or its bindings
/// fails here until the adapter check is updated.
#[test]
fn kernel_needs_match_the_shaders() {
    use naga::AddressSpace;
    use seq2seq_gpu::requirements::{KernelNeeds, KERNEL_NEEDS};

    let mut measured = KernelNeeds {
        invocations_per_workgroup: 0,
        workgroup_size_x: 0,
        workgroup_size_y: 0,
        workgroup_storage_bytes: 0,
        storage_buffers_per_stage: 0,
        uniform_buffers_per_stage: 0,
    };
    for (name, source) in shaders::ALL {
        let module = naga::front::wgsl::parse_str(source).unwrap_or_else(|e| panic!("{name}: {e}"));
        let info = Validator::new(ValidationFlags::all(), Capabilities::default())
            .validate(&module)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut layouter = naga::proc::Layouter::default();
        layouter
            .update(module.to_ctx())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for (index, entry) in module.entry_points.iter().enumerate() {
            let [x, y, z] = entry.workgroup_size;
            let uses = info.get_entry_point(index);
            let (mut storage, mut uniform, mut shared) = (0, 0, 0);
            for (handle, global) in module.global_variables.iter() {
                if uses[handle].is_empty() {
                    continue;
                }
                match global.space {
                    AddressSpace::Storage { .. } => storage += 1,
                    AddressSpace::Uniform => uniform += 1,
                    AddressSpace::WorkGroup => shared += layouter[global.ty].size,
                    _ => {}
                }
            }
            measured.invocations_per_workgroup = measured.invocations_per_workgroup.max(x * y * z);
            measured.workgroup_size_x = measured.workgroup_size_x.max(x);
            measured.workgroup_size_y = measured.workgroup_size_y.max(y);
            measured.workgroup_storage_bytes = measured.workgroup_storage_bytes.max(shared);
            measured.storage_buffers_per_stage = measured.storage_buffers_per_stage.max(storage);
            measured.uniform_buffers_per_stage = measured.uniform_buffers_per_stage.max(uniform);
        }
    }
    assert_eq!(
        measured, KERNEL_NEEDS,
        "update seq2seq_gpu::requirements::KERNEL_NEEDS"
    );
}

/// The value of `const name: u32 = …u;` in a shader, read through naga's reflection.
fn wgsl_u32(source: &str, name: &str) -> u32 {
    let module = naga::front::wgsl::parse_str(source).expect("parses");
    let (_, constant) = module
        .constants
        .iter()
        .find(|(_, c)| c.name.as_deref() == Some(name))
        .unwrap_or_else(|| panic!("no `const {name}` in the shader"));
    match module.global_expressions[constant.init] {
        naga::Expression::Literal(naga::Literal::U32(v)) => v,
        ref other => panic!("`const {name}` is not a u32 literal: {other:?}"),
    }
}

/// The tile sizes written both in a wrapper (dispatch sizes, limits it checks) and in its shader
/// agree; a mismatch would dispatch too few workgroups or accept inputs the shader cannot hold.
#[test]
fn tile_sizes_in_rust_match_the_shaders() {
    use seq2seq_gpu::kernels::{
        FLASH_MAX_HEAD_DIM, FLASH_ROWS, MATMUL_TILE, MATVEC_MAX_BATCH, MATVEC_ROWS,
    };
    let pairs = [
        (
            "matmul_tiled.wgsl BM",
            wgsl_u32(shaders::MATMUL_TILED, "BM"),
            MATMUL_TILE,
        ),
        (
            "matmul_tiled.wgsl BN",
            wgsl_u32(shaders::MATMUL_TILED, "BN"),
            MATMUL_TILE,
        ),
        (
            "flash_attention.wgsl BR",
            wgsl_u32(shaders::FLASH_ATTENTION, "BR"),
            FLASH_ROWS,
        ),
        (
            "flash_attention.wgsl D4_MAX · 4",
            4 * wgsl_u32(shaders::FLASH_ATTENTION, "D4_MAX"),
            FLASH_MAX_HEAD_DIM as u32,
        ),
        (
            "matvec.wgsl ROWS",
            wgsl_u32(shaders::MATVEC, "ROWS"),
            MATVEC_ROWS,
        ),
        (
            "matvec.wgsl MAX_B",
            wgsl_u32(shaders::MATVEC, "MAX_B"),
            MATVEC_MAX_BATCH as u32,
        ),
    ];
    for (what, wgsl, rust) in pairs {
        assert_eq!(wgsl, rust, "{what} = {wgsl} in WGSL but {rust} in Rust");
    }
}
