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
