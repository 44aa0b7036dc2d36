//! A pool of storage buffers. Op outputs come from here and go back when the last handle to them
//! is dropped, so an encoder pass of T steps reuses a handful of buffers instead of allocating T.
//!
//! Reuse is safe without waiting for the GPU: every use of a buffer is recorded in submission
//! order, so a later op that gets a recycled buffer writes it after the earlier ops have read it.
//! (Uploads never come from the pool: `queue.write_buffer` would jump ahead of recorded work.)

use std::collections::HashMap;
use std::sync::{Arc, Mutex, Weak};

/// Buffers kept for reuse at most (bytes); beyond that, released buffers are dropped.
const MAX_CACHED_BYTES: u64 = 512 << 20;

/// Round a request up to its size class: powers of two up to 1 MiB, then whole MiB.
pub(crate) fn size_class(bytes: u64) -> u64 {
    let bytes = bytes.max(256);
    if bytes <= 1 << 20 {
        bytes.next_power_of_two()
    } else {
        bytes.div_ceil(1 << 20) << 20
    }
}

#[derive(Default)]
pub(crate) struct BufferPool {
    free: Mutex<HashMap<u64, Vec<wgpu::Buffer>>>,
    cached: Mutex<u64>,
}

impl BufferPool {
    pub(crate) fn take(&self, class: u64) -> Option<wgpu::Buffer> {
        let buf = self
            .free
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_mut(&class)?
            .pop()?;
        *self.cached.lock().unwrap_or_else(|p| p.into_inner()) -= class;
        Some(buf)
    }

    fn give_back(&self, buffer: wgpu::Buffer, class: u64) {
        let mut cached = self.cached.lock().unwrap_or_else(|p| p.into_inner());
        if *cached + class > MAX_CACHED_BYTES {
            // Dropping (not destroying) lets wgpu free it once recorded work no longer needs it.
            drop(buffer);
            return;
        }
        *cached += class;
        self.free
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(class)
            .or_default()
            .push(buffer);
    }

    /// Bytes held for reuse.
    pub(crate) fn cached_bytes(&self) -> u64 {
        *self.cached.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Drop every cached buffer (e.g. before measuring memory).
    pub(crate) fn clear(&self) {
        self.free.lock().unwrap_or_else(|p| p.into_inner()).clear();
        *self.cached.lock().unwrap_or_else(|p| p.into_inner()) = 0;
    }
}

/// A GPU buffer that returns to its pool when dropped (if it came from one).
pub struct GpuBuffer {
    pub(crate) buffer: wgpu::Buffer,
    class: u64,
    pool: Option<Weak<BufferPool>>,
}

impl GpuBuffer {
    pub(crate) fn pooled(buffer: wgpu::Buffer, class: u64, pool: &Arc<BufferPool>) -> Self {
        Self {
            buffer,
            class,
            pool: Some(Arc::downgrade(pool)),
        }
    }

    pub(crate) fn unpooled(buffer: wgpu::Buffer) -> Self {
        let class = buffer.size();
        Self {
            buffer,
            class,
            pool: None,
        }
    }
}

impl Drop for GpuBuffer {
    fn drop(&mut self) {
        // Never `destroy()` here: work recorded but not yet submitted may still use the buffer;
        // wgpu keeps it alive until then.
        if let Some(pool) = self.pool.as_ref().and_then(Weak::upgrade) {
            pool.give_back(self.buffer.clone(), self.class);
        }
    }
}
