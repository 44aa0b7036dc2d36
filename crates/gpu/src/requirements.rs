//! What the kernels need from an adapter, checked before a device is requested so that a GPU
//! below them (a WebGPU "compatibility" adapter with 128-thread workgroups and 4 storage buffers
//! per stage, for example) is refused with a sentence naming the limit, instead of failing later
//! with a pipeline validation error.
//!
//! The numbers are the maxima over every entry point in `shaders/`; the naga reflection test in
//! `tests/shaders.rs` recomputes them from the WGSL and fails when a shader changes without them.
//! All of them fit WebGPU's default limits, so every conforming core adapter passes.

use crate::error::{GpuError, GpuResult};

/// The limits every kernel together needs (per entry point maxima).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct KernelNeeds {
    /// x·y·z of the largest `@workgroup_size` (softmax, layer norm: 256).
    pub invocations_per_workgroup: u32,
    /// Largest `@workgroup_size` x (256) and y (16).
    pub workgroup_size_x: u32,
    pub workgroup_size_y: u32,
    /// Bytes of `var<workgroup>` in one entry point (flash attention's K and V tiles: 16 KiB).
    pub workgroup_storage_bytes: u32,
    /// `var<storage>` bindings one entry point uses (the LSTM cell: 8).
    pub storage_buffers_per_stage: u32,
    /// `var<uniform>` bindings one entry point uses (1: the shape parameters).
    pub uniform_buffers_per_stage: u32,
}

/// Measured from the shaders (see the module comment).
pub const KERNEL_NEEDS: KernelNeeds = KernelNeeds {
    invocations_per_workgroup: 256,
    workgroup_size_x: 256,
    workgroup_size_y: 16,
    workgroup_storage_bytes: 16384,
    storage_buffers_per_stage: 8,
    uniform_buffers_per_stage: 1,
};

impl KernelNeeds {
    /// (WebGPU limit name, what the adapter offers, what the kernels need), one row per limit.
    pub fn rows(&self, limits: &wgpu::Limits) -> [(&'static str, u32, u32); 6] {
        [
            (
                "maxComputeInvocationsPerWorkgroup",
                limits.max_compute_invocations_per_workgroup,
                self.invocations_per_workgroup,
            ),
            (
                "maxComputeWorkgroupSizeX",
                limits.max_compute_workgroup_size_x,
                self.workgroup_size_x,
            ),
            (
                "maxComputeWorkgroupSizeY",
                limits.max_compute_workgroup_size_y,
                self.workgroup_size_y,
            ),
            (
                "maxComputeWorkgroupStorageSize",
                limits.max_compute_workgroup_storage_size,
                self.workgroup_storage_bytes,
            ),
            (
                "maxStorageBuffersPerShaderStage",
                limits.max_storage_buffers_per_shader_stage,
                self.storage_buffers_per_stage,
            ),
            (
                "maxUniformBuffersPerShaderStage",
                limits.max_uniform_buffers_per_shader_stage,
                self.uniform_buffers_per_stage,
            ),
        ]
    }

    /// Ok when `limits` cover every need; otherwise the first limit that falls short.
    pub fn check(&self, limits: &wgpu::Limits) -> GpuResult<()> {
        match self
            .rows(limits)
            .into_iter()
            .find(|(_, have, need)| have < need)
        {
            Some((limit_name, have, need)) => Err(GpuError::AdapterLimit {
                limit_name,
                have: u64::from(have),
                need: u64::from(need),
            }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn webgpu_default_limits_are_enough() {
        assert_eq!(KERNEL_NEEDS.check(&wgpu::Limits::default()), Ok(()));
    }

    #[test]
    fn a_compatibility_adapter_is_refused_by_name() {
        // WebGPU compatibility mode: 128 invocations, 128-wide x, 4 storage buffers per stage.
        let limits = wgpu::Limits {
            max_compute_invocations_per_workgroup: 128,
            max_compute_workgroup_size_x: 128,
            max_storage_buffers_per_shader_stage: 4,
            ..wgpu::Limits::default()
        };
        let err = KERNEL_NEEDS.check(&limits).unwrap_err();
        assert_eq!(
            err,
            GpuError::AdapterLimit {
                limit_name: "maxComputeInvocationsPerWorkgroup",
                have: 128,
                need: 256
            }
        );
        assert_eq!(
            err.to_string(),
            "this GPU's maxComputeInvocationsPerWorkgroup is 128; the kernels need 256"
        );
    }

    #[test]
    fn each_limit_is_checked() {
        let base = wgpu::Limits::default();
        let short: [wgpu::Limits; 6] = [
            wgpu::Limits {
                max_compute_invocations_per_workgroup: 255,
                ..base.clone()
            },
            wgpu::Limits {
                max_compute_workgroup_size_x: 255,
                ..base.clone()
            },
            wgpu::Limits {
                max_compute_workgroup_size_y: 15,
                ..base.clone()
            },
            wgpu::Limits {
                max_compute_workgroup_storage_size: 16383,
                ..base.clone()
            },
            wgpu::Limits {
                max_storage_buffers_per_shader_stage: 7,
                ..base.clone()
            },
            wgpu::Limits {
                max_uniform_buffers_per_shader_stage: 0,
                ..base.clone()
            },
        ];
        for (limits, (name, _, _)) in short.iter().zip(KERNEL_NEEDS.rows(&base)) {
            match KERNEL_NEEDS.check(limits) {
                Err(GpuError::AdapterLimit { limit_name, .. }) => assert_eq!(limit_name, name),
                other => panic!("{name} one below the need: {other:?}"),
            }
        }
    }
}
