//! Device creation, kept apart from the kernels: a [`GpuContext`] is an adapter's device and queue
//! plus the error state the device reports asynchronously. Tests and the app can build one here
//! (native: any adapter, lavapipe included; web: `navigator.gpu` in a page or a dedicated worker)
//! or wrap a device they made themselves with [`GpuContext::from_device`].

use std::sync::{Arc, Mutex};

use crate::error::{GpuError, GpuResult};
use crate::requirements::KERNEL_NEEDS;

/// Options for [`GpuContext::new_with`].
#[derive(Clone, Debug)]
pub struct ContextOptions {
    /// Ask for `TIMESTAMP_QUERY` when the adapter has it (the benchmarks need it).
    pub timestamps: bool,
    pub power_preference: wgpu::PowerPreference,
    /// Treat storage bindings larger than this as over the limit (a device with less memory in a
    /// test; `None`: the device's own `maxStorageBufferBindingSize`).
    pub max_binding_bytes: Option<u64>,
}

impl Default for ContextOptions {
    fn default() -> Self {
        Self {
            timestamps: true,
            power_preference: wgpu::PowerPreference::HighPerformance,
            max_binding_bytes: None,
        }
    }
}

#[derive(Default)]
struct DeviceErrors {
    /// Errors wgpu reported outside any error scope, oldest first.
    uncaptured: Vec<GpuError>,
    lost: Option<String>,
    /// Woken when the device is lost (see [`GpuContext::lost_within`]).
    lost_waiters: Vec<futures_channel::oneshot::Sender<()>>,
}

struct Inner {
    device: wgpu::Device,
    queue: wgpu::Queue,
    info: wgpu::AdapterInfo,
    errors: Arc<Mutex<DeviceErrors>>,
    max_binding_bytes: Option<u64>,
}

/// A device, its queue and what it told us. Cheap to clone.
#[derive(Clone)]
pub struct GpuContext {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for GpuContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GpuContext")
            .field("adapter", &self.inner.info.name)
            .finish()
    }
}

impl GpuContext {
    /// The default adapter with the default options.
    pub async fn new() -> GpuResult<Self> {
        Self::new_with(&ContextOptions::default()).await
    }

    /// Request an adapter (environment variables such as `WGPU_BACKEND` and `WGPU_ADAPTER_NAME` are
    /// honoured natively) and a device with every limit the adapter offers and nothing more.
    pub async fn new_with(options: &ContextOptions) -> GpuResult<Self> {
        let instance =
            wgpu::Instance::new(wgpu::InstanceDescriptor::new_without_display_handle_from_env());
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions {
                power_preference: options.power_preference,
                force_fallback_adapter: false,
                compatible_surface: None,
                ..Default::default()
            })
            .await
            .map_err(|e| GpuError::NoAdapter(e.to_string()))?;
        Self::from_adapter(&adapter, options).await
    }

    /// A device on `adapter`, limits within the adapter's; Err(AdapterLimit) when the adapter
    /// offers less than the kernels need.
    pub async fn from_adapter(
        adapter: &wgpu::Adapter,
        options: &ContextOptions,
    ) -> GpuResult<Self> {
        KERNEL_NEEDS.check(&adapter.limits())?;
        let mut features = wgpu::Features::empty();
        if options.timestamps && adapter.features().contains(wgpu::Features::TIMESTAMP_QUERY) {
            features |= wgpu::Features::TIMESTAMP_QUERY;
        }
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("seq2seq-gpu device"),
                required_features: features,
                required_limits: adapter.limits(),
                experimental_features: wgpu::ExperimentalFeatures::disabled(),
                memory_hints: wgpu::MemoryHints::Performance,
                trace: wgpu::Trace::Off,
            })
            .await
            .map_err(|e| GpuError::RequestDevice(e.to_string()))?;
        let mut ctx = Self::from_device(device, queue, adapter.get_info());
        if let Some(inner) = Arc::get_mut(&mut ctx.inner) {
            inner.max_binding_bytes = options.max_binding_bytes;
        }
        Ok(ctx)
    }

    /// Wrap a device made elsewhere. Installs the error and device-lost handlers (so that wgpu
    /// never panics on an uncaptured error).
    pub fn from_device(device: wgpu::Device, queue: wgpu::Queue, info: wgpu::AdapterInfo) -> Self {
        let errors = Arc::new(Mutex::new(DeviceErrors::default()));
        let sink = errors.clone();
        device.on_uncaptured_error(Arc::new(move |e: wgpu::Error| {
            let mut errs = sink.lock().unwrap_or_else(|p| p.into_inner());
            if errs.uncaptured.len() < 16 {
                errs.uncaptured.push(GpuError::from_wgpu(&e));
            }
        }));
        let sink = errors.clone();
        device.set_device_lost_callback(move |reason, message| {
            let mut errs = sink.lock().unwrap_or_else(|p| p.into_inner());
            errs.lost = Some(format!("{reason:?}: {message}"));
            for waiter in errs.lost_waiters.drain(..) {
                let _ = waiter.send(());
            }
        });
        Self {
            inner: Arc::new(Inner {
                device,
                queue,
                info,
                errors,
                max_binding_bytes: None,
            }),
        }
    }

    pub fn device(&self) -> &wgpu::Device {
        &self.inner.device
    }

    pub fn queue(&self) -> &wgpu::Queue {
        &self.inner.queue
    }

    pub fn adapter_info(&self) -> &wgpu::AdapterInfo {
        &self.inner.info
    }

    pub fn limits(&self) -> wgpu::Limits {
        self.inner.device.limits()
    }

    /// The largest storage binding (bytes) this context allows: the device's
    /// `maxStorageBufferBindingSize` and `maxBufferSize`, or the cap of [`ContextOptions`].
    pub fn max_binding_bytes(&self) -> u64 {
        let limits = self.limits();
        let device = limits
            .max_storage_buffer_binding_size
            .min(limits.max_buffer_size);
        self.inner
            .max_binding_bytes
            .map_or(device, |cap| cap.min(device))
    }

    pub fn has_timestamps(&self) -> bool {
        self.inner
            .device
            .features()
            .contains(wgpu::Features::TIMESTAMP_QUERY)
    }

    /// "llvmpipe (LLVM 15.0.6, 256 bits) (Vulkan, Cpu)".
    pub fn describe(&self) -> String {
        let i = &self.inner.info;
        format!(
            "{} ({:?}, {:?}, driver {} {})",
            i.name, i.backend, i.device_type, i.driver, i.driver_info
        )
    }

    /// Is this a software rasteriser (lavapipe, SwiftShader, WARP)?
    pub fn is_software(&self) -> bool {
        self.inner.info.device_type == wgpu::DeviceType::Cpu
    }

    /// Err(DeviceLost) once the device is lost (checked before recording anything on it).
    pub fn check_lost(&self) -> GpuResult<()> {
        let errs = self.inner.errors.lock().unwrap_or_else(|p| p.into_inner());
        match &errs.lost {
            Some(reason) => Err(GpuError::DeviceLost(reason.clone())),
            None => Ok(()),
        }
    }

    /// [`check_lost`](Self::check_lost) after native wgpu has had a chance to deliver news of a
    /// loss: it calls the device-lost callback only inside `poll`, so a call that fails right
    /// after `destroy()` would otherwise see an invalid buffer and no loss (the web reports it
    /// on its own; see [`lost_within`](Self::lost_within)).
    pub fn check_lost_now(&self) -> GpuResult<()> {
        #[cfg(not(target_arch = "wasm32"))]
        let _ = self.inner.device.poll(wgpu::PollType::Poll);
        self.check_lost()
    }

    /// Err(DeviceLost) if the device is lost now or within `ms` milliseconds. A browser may
    /// reject a pending read-back before it reports the loss (Chromium does after `destroy()`),
    /// so a failed read-back waits here for that news before it is called anything else. Native
    /// wgpu reports the loss during `poll`, which the read-back has already done.
    pub async fn lost_within(&self, ms: u32) -> GpuResult<()> {
        #[cfg(target_arch = "wasm32")]
        {
            let lost = {
                let mut errs = self.inner.errors.lock().unwrap_or_else(|p| p.into_inner());
                if errs.lost.is_some() {
                    None
                } else {
                    let (tx, rx) = futures_channel::oneshot::channel();
                    errs.lost_waiters.push(tx);
                    Some(rx)
                }
            };
            if let Some(mut lost) = lost {
                let mut timeout = std::pin::pin!(sleep_ms(ms));
                std::future::poll_fn(|cx| {
                    use std::future::Future;
                    use std::task::Poll;
                    if std::pin::Pin::new(&mut lost).poll(cx).is_ready()
                        || timeout.as_mut().poll(cx).is_ready()
                    {
                        Poll::Ready(())
                    } else {
                        Poll::Pending
                    }
                })
                .await;
            }
        }
        #[cfg(not(target_arch = "wasm32"))]
        let _ = ms;
        self.check_lost_now()
    }

    /// The first error the device reported since the last check, if any; a lost device stays lost.
    pub fn take_error(&self) -> GpuResult<()> {
        let mut errs = self.inner.errors.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(reason) = &errs.lost {
            return Err(GpuError::DeviceLost(reason.clone()));
        }
        if errs.uncaptured.is_empty() {
            Ok(())
        } else {
            let first = errs.uncaptured.remove(0);
            errs.uncaptured.clear();
            Err(first)
        }
    }
}

/// Resolves after `ms` milliseconds (`setTimeout` of the page or the worker).
#[cfg(target_arch = "wasm32")]
async fn sleep_ms(ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let global = js_sys::global();
        if let Ok(set_timeout) = js_sys::Reflect::get(&global, &"setTimeout".into()) {
            let _ = js_sys::Function::from(set_timeout).call2(&global, &resolve, &ms.into());
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
