//! The minimal GPU API the kernels are written against (in the spirit of gpu.cpp): tensors in
//! pooled buffers, a pipeline cache, one command encoder that records every dispatch until a
//! read-back submits it, and async read-back that works in browsers (`map_async` + a oneshot
//! channel; the blocking `poll` is native only).

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use crate::context::GpuContext;
use crate::error::{GpuError, GpuResult};
use crate::pool::{size_class, BufferPool, GpuBuffer};

/// Every buffer is at least this large and a multiple of it, so it can be bound as `array<vec4<f32>>`.
const BUFFER_ALIGN: u64 = 16;
/// How long a failed read-back waits for the device-lost news (see `GpuContext::lost_within`).
const LOST_NEWS_MS: u32 = 100;
/// Offsets of views into a buffer (planes of a fused cell's outputs) are multiples of this: the
/// largest `minStorageBufferOffsetAlignment` WebGPU allows.
pub const VIEW_ALIGN_FLOATS: usize = 64;

#[cfg(not(target_arch = "wasm32"))]
type ScopeFuture = Pin<Box<dyn Future<Output = Option<wgpu::Error>> + Send>>;
#[cfg(target_arch = "wasm32")]
type ScopeFuture = Pin<Box<dyn Future<Output = Option<wgpu::Error>>>>;

/// A tensor on the GPU: a (pooled) buffer, a byte offset into it, and a shape. f32, row-major.
#[derive(Clone)]
pub struct GpuTensor {
    pub(crate) buf: Arc<GpuBuffer>,
    /// Bytes; a multiple of 256 (see [`VIEW_ALIGN_FLOATS`]).
    pub(crate) offset: u64,
    shape: Vec<usize>,
}

impl std::fmt::Debug for GpuTensor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GpuTensor")
            .field("shape", &self.shape)
            .field("offset", &self.offset)
            .finish()
    }
}

impl GpuTensor {
    pub fn shape(&self) -> &[usize] {
        &self.shape
    }

    pub fn len(&self) -> usize {
        self.shape.iter().product()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Rows and columns, treating a 1-D tensor as one row.
    pub fn dims2(&self) -> (usize, usize) {
        match self.shape.as_slice() {
            [n] => (1, *n),
            [m, n] => (*m, *n),
            s => (s[..s.len() - 1].iter().product(), s[s.len() - 1]),
        }
    }

    pub fn bytes(&self) -> u64 {
        self.len() as u64 * 4
    }

    /// The same buffer with another shape of the same element count.
    pub fn reshape(&self, shape: impl Into<Vec<usize>>) -> GpuTensor {
        let shape = shape.into();
        assert_eq!(
            shape.iter().product::<usize>(),
            self.len(),
            "reshape to {shape:?} changes the element count"
        );
        GpuTensor {
            buf: self.buf.clone(),
            offset: self.offset,
            shape,
        }
    }

    /// A view of `shape` starting `offset_floats` into this tensor's buffer (a multiple of 64).
    pub(crate) fn view(&self, offset_floats: usize, shape: impl Into<Vec<usize>>) -> GpuTensor {
        assert_eq!(
            offset_floats % VIEW_ALIGN_FLOATS,
            0,
            "view offsets must be 256-byte aligned"
        );
        GpuTensor {
            buf: self.buf.clone(),
            offset: self.offset + offset_floats as u64 * 4,
            shape: shape.into(),
        }
    }

    /// Whether `offset` is aligned for a vec4 binding (always true for tensors of this crate).
    pub(crate) fn binding(&self) -> wgpu::BindingResource<'_> {
        let size = self.bytes().max(4).next_multiple_of(BUFFER_ALIGN);
        wgpu::BindingResource::Buffer(wgpu::BufferBinding {
            buffer: &self.buf.buffer,
            offset: self.offset,
            size: wgpu::BufferSize::new(size),
        })
    }
}

/// A compiled compute pipeline and its bind group layout.
pub struct Kernel {
    pub(crate) pipeline: wgpu::ComputePipeline,
    pub(crate) layout: wgpu::BindGroupLayout,
}

/// Grid for `count` workgroups folded into two dimensions (x ≤ `max`); kernels recover the linear
/// index as `id.x + id.y · num_workgroups.x` and ignore the overhang.
pub fn fold(count: u32, max: u32) -> [u32; 3] {
    if count == 0 {
        return [0, 1, 1];
    }
    let x = count.min(max.max(1));
    [x, count.div_ceil(x), 1]
}

struct Inner {
    ctx: GpuContext,
    pool: Arc<BufferPool>,
    encoder: Mutex<Option<wgpu::CommandEncoder>>,
    kernels: Mutex<HashMap<(&'static str, &'static str), Arc<Kernel>>>,
    scopes: Mutex<Vec<ScopeFuture>>,
    dispatches: Mutex<u64>,
    submissions: Mutex<u64>,
}

/// The runtime: a context plus buffer pool, pipeline cache and the pending command encoder.
/// Cheap to clone; clones share everything.
#[derive(Clone)]
pub struct Gpu {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Gpu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gpu")
            .field("context", &self.inner.ctx)
            .finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Gpu {
    pub fn new(ctx: GpuContext) -> Self {
        Self {
            inner: Arc::new(Inner {
                ctx,
                pool: Arc::new(BufferPool::default()),
                encoder: Mutex::new(None),
                kernels: Mutex::new(HashMap::new()),
                scopes: Mutex::new(Vec::new()),
                dispatches: Mutex::new(0),
                submissions: Mutex::new(0),
            }),
        }
    }

    pub fn context(&self) -> &GpuContext {
        &self.inner.ctx
    }

    pub fn device(&self) -> &wgpu::Device {
        self.inner.ctx.device()
    }

    pub fn limits(&self) -> wgpu::Limits {
        self.inner.ctx.limits()
    }

    /// (dispatches recorded, submissions made) since creation: a whole encoder pass should be one
    /// submission.
    pub fn counters(&self) -> (u64, u64) {
        (
            *lock(&self.inner.dispatches),
            *lock(&self.inner.submissions),
        )
    }

    /// Bytes the buffer pool holds for reuse.
    pub fn pooled_bytes(&self) -> u64 {
        self.inner.pool.cached_bytes()
    }

    pub fn clear_pool(&self) {
        self.inner.pool.clear();
    }

    /// Refuse a storage binding larger than the device allows.
    pub fn check_binding(&self, what: &str, bytes: u64, hint: &str) -> GpuResult<()> {
        let limit = self.inner.ctx.max_binding_bytes();
        if bytes > limit {
            return Err(GpuError::Limit {
                what: what.to_string(),
                needed: bytes,
                limit,
                limit_name: "maxStorageBufferBindingSize",
                hint: hint.to_string(),
            });
        }
        Ok(())
    }

    fn create_buffer_checked(
        &self,
        label: &str,
        size: u64,
        usage: wgpu::BufferUsages,
    ) -> wgpu::Buffer {
        let scope = self
            .device()
            .push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        let buffer = self.device().create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size,
            usage,
            mapped_at_creation: false,
        });
        lock(&self.inner.scopes).push(Box::pin(scope.pop()));
        buffer
    }

    /// An uninitialised tensor from the pool.
    pub fn alloc(&self, label: &str, shape: impl Into<Vec<usize>>) -> GpuResult<GpuTensor> {
        self.inner.ctx.check_lost()?;
        let shape = shape.into();
        let bytes = (shape.iter().product::<usize>() as u64 * 4).max(BUFFER_ALIGN);
        self.check_binding(label, bytes, "")?;
        let class = size_class(bytes);
        let buffer = match self.inner.pool.take(class) {
            Some(b) => b,
            None => self.create_buffer_checked(
                label,
                class,
                wgpu::BufferUsages::STORAGE
                    | wgpu::BufferUsages::COPY_SRC
                    | wgpu::BufferUsages::COPY_DST,
            ),
        };
        Ok(GpuTensor {
            buf: Arc::new(GpuBuffer::pooled(buffer, class, &self.inner.pool)),
            offset: 0,
            shape,
        })
    }

    /// A buffer holding `contents`, written through a mapping at creation: unlike
    /// `wgpu::util::DeviceExt::create_buffer_init` this returns an error instead of panicking when
    /// the device is gone.
    fn init_buffer(
        &self,
        label: &str,
        contents: &[u8],
        usage: wgpu::BufferUsages,
    ) -> GpuResult<wgpu::Buffer> {
        self.inner.ctx.check_lost()?;
        let size = (contents.len() as u64)
            .max(BUFFER_ALIGN)
            .next_multiple_of(BUFFER_ALIGN);
        let scope = self
            .device()
            .push_error_scope(wgpu::ErrorFilter::OutOfMemory);
        let buffer = self.device().create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size,
            usage,
            mapped_at_creation: true,
        });
        lock(&self.inner.scopes).push(Box::pin(scope.pop()));
        {
            let mut view = buffer.get_mapped_range_mut(..).map_err(|e| {
                match self.inner.ctx.check_lost_now() {
                    Err(lost) => lost,
                    Ok(()) => GpuError::Validation(format!(
                        "writing {label} failed (device lost or out of memory?): {e}"
                    )),
                }
            })?;
            if !contents.is_empty() {
                view.slice(..contents.len()).copy_from_slice(contents);
            }
        }
        buffer.unmap();
        Ok(buffer)
    }

    fn upload_bytes(&self, label: &str, bytes: &[u8], shape: Vec<usize>) -> GpuResult<GpuTensor> {
        let padded = (bytes.len() as u64)
            .max(BUFFER_ALIGN)
            .next_multiple_of(BUFFER_ALIGN);
        self.check_binding(label, padded, "")?;
        let buffer = self.init_buffer(
            label,
            bytes,
            wgpu::BufferUsages::STORAGE
                | wgpu::BufferUsages::COPY_SRC
                | wgpu::BufferUsages::COPY_DST,
        )?;
        Ok(GpuTensor {
            buf: Arc::new(GpuBuffer::unpooled(buffer)),
            offset: 0,
            shape,
        })
    }

    /// Copy host data into a new buffer (not pooled: see the pool's notes).
    pub fn upload(
        &self,
        label: &str,
        shape: impl Into<Vec<usize>>,
        data: &[f32],
    ) -> GpuResult<GpuTensor> {
        let shape = shape.into();
        if shape.iter().product::<usize>() != data.len() {
            return Err(GpuError::InvalidInput(format!(
                "{} values for shape {shape:?}",
                data.len()
            )));
        }
        self.upload_bytes(label, bytemuck::cast_slice(data), shape)
    }

    /// u32 data (token ids) in a new buffer; its shape counts u32s.
    pub fn upload_u32(&self, label: &str, data: &[u32]) -> GpuResult<GpuTensor> {
        self.upload_bytes(label, bytemuck::cast_slice(data), vec![data.len()])
    }

    /// The compiled pipeline of `entry` in `source`, built once per runtime.
    pub fn kernel(
        &self,
        file: &'static str,
        source: &'static str,
        entry: &'static str,
    ) -> Arc<Kernel> {
        if let Some(k) = lock(&self.inner.kernels).get(&(file, entry)) {
            return k.clone();
        }
        let device = self.device();
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some(file),
            source: wgpu::ShaderSource::Wgsl(source.into()),
        });
        let label = format!("{file}::{entry}");
        let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(&label),
            layout: None,
            module: &module,
            entry_point: Some(entry),
            compilation_options: Default::default(),
            cache: None,
        });
        let layout = pipeline.get_bind_group_layout(0);
        let k = Arc::new(Kernel { pipeline, layout });
        lock(&self.inner.kernels).insert((file, entry), k.clone());
        k
    }

    /// Run `f` on the pending command encoder (created on first use).
    pub fn with_encoder<R>(&self, f: impl FnOnce(&mut wgpu::CommandEncoder) -> R) -> R {
        let mut guard = lock(&self.inner.encoder);
        let enc = guard.get_or_insert_with(|| {
            self.device()
                .create_command_encoder(&wgpu::CommandEncoderDescriptor {
                    label: Some("seq2seq-gpu commands"),
                })
        });
        f(enc)
    }

    /// Record one dispatch: `params` at binding 0 (uniform), then each tensor at its binding.
    pub fn dispatch(
        &self,
        label: &str,
        kernel: &Kernel,
        params: &[u8],
        tensors: &[(u32, &GpuTensor)],
        grid: [u32; 3],
    ) -> GpuResult<()> {
        let max = self.limits().max_compute_workgroups_per_dimension;
        if grid.iter().any(|&g| g > max) {
            return Err(GpuError::Limit {
                what: format!("{label} grid {grid:?}"),
                needed: u64::from(grid.iter().copied().max().unwrap_or(0)),
                limit: u64::from(max),
                limit_name: "maxComputeWorkgroupsPerDimension (workgroups, not bytes)",
                hint: String::new(),
            });
        }
        if grid.contains(&0) {
            return Ok(());
        }
        let uniform = self.init_buffer(label, params, wgpu::BufferUsages::UNIFORM)?;
        let mut entries = Vec::with_capacity(tensors.len() + 1);
        entries.push(wgpu::BindGroupEntry {
            binding: 0,
            resource: uniform.as_entire_binding(),
        });
        for (binding, t) in tensors {
            entries.push(wgpu::BindGroupEntry {
                binding: *binding,
                resource: t.binding(),
            });
        }
        let bind_group = self.device().create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some(label),
            layout: &kernel.layout,
            entries: &entries,
        });
        self.with_encoder(|enc| {
            let mut pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some(label),
                timestamp_writes: None,
            });
            pass.set_pipeline(&kernel.pipeline);
            pass.set_bind_group(0, &bind_group, &[]);
            pass.dispatch_workgroups(grid[0], grid[1], grid[2]);
        });
        *lock(&self.inner.dispatches) += 1;
        Ok(())
    }

    /// Record a copy of `floats` values between tensors (offsets in floats).
    pub fn copy(
        &self,
        src: &GpuTensor,
        src_off: usize,
        dst: &GpuTensor,
        dst_off: usize,
        floats: usize,
    ) {
        if floats == 0 {
            return;
        }
        self.with_encoder(|enc| {
            enc.copy_buffer_to_buffer(
                &src.buf.buffer,
                src.offset + src_off as u64 * 4,
                &dst.buf.buffer,
                dst.offset + dst_off as u64 * 4,
                floats as u64 * 4,
            )
        });
    }

    /// Record an empty pass that writes a timestamp (benchmarks; needs TIMESTAMP_QUERY).
    pub fn write_timestamp(&self, set: &wgpu::QuerySet, index: u32) {
        self.with_encoder(|enc| {
            let _pass = enc.begin_compute_pass(&wgpu::ComputePassDescriptor {
                label: Some("timestamp"),
                timestamp_writes: Some(wgpu::ComputePassTimestampWrites {
                    query_set: set,
                    beginning_of_pass_write_index: Some(index),
                    end_of_pass_write_index: None,
                }),
            });
        });
    }

    /// Submit everything recorded so far (one submission).
    pub fn submit(&self) {
        let enc = lock(&self.inner.encoder).take();
        if let Some(enc) = enc {
            self.inner.ctx.queue().submit([enc.finish()]);
            *lock(&self.inner.submissions) += 1;
        }
    }

    /// Await the out-of-memory scopes of the allocations so far and the device's error state.
    pub async fn check_errors(&self) -> GpuResult<()> {
        let scopes: Vec<ScopeFuture> = std::mem::take(&mut *lock(&self.inner.scopes));
        let mut first = None;
        for s in scopes {
            if let Some(e) = s.await {
                first.get_or_insert(GpuError::from_wgpu(&e));
            }
        }
        self.inner.ctx.take_error()?;
        match first {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Submit and wait until the GPU has finished (native: poll; web: a map of a tiny buffer).
    pub async fn finish(&self) -> GpuResult<()> {
        let probe = self.alloc("finish probe", [1])?;
        self.read_raw(&[(&probe.buf.buffer, probe.offset, 4)])
            .await
            .map(|_| ())
    }

    /// Copy byte ranges of buffers into one staging buffer, submit, map and return the bytes.
    pub async fn read_raw(&self, ranges: &[(&wgpu::Buffer, u64, u64)]) -> GpuResult<Vec<Vec<u8>>> {
        self.inner.ctx.take_error()?;
        let mut offsets = Vec::with_capacity(ranges.len());
        let mut total = 0u64;
        for (_, _, size) in ranges {
            offsets.push(total);
            total += size.next_multiple_of(4);
        }
        let staging = self.create_buffer_checked(
            "read-back staging",
            total.max(4),
            wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
        );
        self.with_encoder(|enc| {
            for ((buf, off, size), dst) in ranges.iter().zip(&offsets) {
                if *size > 0 {
                    enc.copy_buffer_to_buffer(buf, *off, &staging, *dst, size.next_multiple_of(4));
                }
            }
        });
        self.submit();
        let (tx, rx) = futures_channel::oneshot::channel();
        staging.slice(..).map_async(wgpu::MapMode::Read, move |r| {
            let _ = tx.send(r);
        });
        #[cfg(not(target_arch = "wasm32"))]
        self.device()
            .poll(wgpu::PollType::wait_indefinitely())
            .map_err(|e| GpuError::DeviceLost(format!("waiting for the GPU: {e}")))?;
        let mapped = rx
            .await
            .map_err(|_| GpuError::DeviceLost("the read-back was cancelled".into()))?;
        // Errors of the work itself explain a failed map better than the map error does, and a
        // lost device explains both (its news may come a little after the failed map).
        let checked = self
            .check_errors()
            .await
            .and_then(|()| mapped.map_err(|e| GpuError::ReadBack(e.to_string())));
        if let Err(e) = checked {
            self.inner.ctx.lost_within(LOST_NEWS_MS).await?;
            return Err(e);
        }
        let out = {
            let view = staging
                .get_mapped_range(..)
                .map_err(|e| GpuError::ReadBack(e.to_string()))?;
            ranges
                .iter()
                .zip(&offsets)
                .map(|((_, _, size), off)| view[*off as usize..(*off + *size) as usize].to_vec())
                .collect()
        };
        staging.unmap();
        Ok(out)
    }

    /// Read tensors back with one submission and one wait.
    pub async fn read_many(&self, ts: &[&GpuTensor]) -> GpuResult<Vec<Vec<f32>>> {
        let ranges: Vec<_> = ts
            .iter()
            .map(|t| (&t.buf.buffer, t.offset, t.bytes()))
            .collect();
        let raw = self.read_raw(&ranges).await?;
        Ok(raw
            .into_iter()
            .map(|b| {
                b.chunks_exact(4)
                    .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                    .collect()
            })
            .collect())
    }

    pub async fn read(&self, t: &GpuTensor) -> GpuResult<Vec<f32>> {
        Ok(self.read_many(&[t]).await?.pop().unwrap_or_default())
    }
}
