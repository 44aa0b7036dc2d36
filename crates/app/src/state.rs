//! The page's state (one reducer) and the actions that change it.
//!
//! Results are keyed by what was asked (`TranslateRequest`, `QkvRequest`), so two views asking
//! the same question share one answer, and a link (the URL state) always finds its own result.
//! Answers to jobs the page no longer waits for are dropped.

mod translation;

use std::collections::HashMap;
use std::rc::Rc;

use yew::Reducible;

use crate::catalog::Catalog;
use crate::protocol::{
    BackendKind, BackendsInfo, BenchReport, Bilingual, DownloadProgress, Envelope, Failure,
    FlashLabRequest, FlashLabRow, JobId, MemoryReport, MemoryRequest, ModelFacts, ParallelRequest,
    ParallelRow, QkvRequest, QkvResult, Request, Response, TranslateRequest,
};
use crate::route::UrlState;

pub use translation::{TranslationResult, TranslationState};

/// A run of a long job (FlashAttention lab, sequential vs parallel, benchmark).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LongRun<T> {
    pub job: JobId,
    pub running: bool,
    pub progress: Option<(usize, usize, String)>,
    pub result: T,
    pub failure: Option<Failure>,
    /// Stopped by the reader before the end (what had finished is kept).
    pub cancelled: bool,
}

impl<T> LongRun<T> {
    /// Progress (the last one, done = total, ends the run), failure and cancellation, alike for
    /// every run that streams rows; any other answer is handed back for the caller's rows.
    fn track(&mut self, response: Response) -> Option<Response> {
        match response {
            Response::Progress { done, total, label } => {
                self.progress = Some((done, total, label));
                if done >= total {
                    self.running = false;
                }
            }
            Response::Failed(failure) => {
                self.failure = Some(failure);
                self.running = false;
            }
            Response::Cancelled => {
                self.cancelled = true;
                self.running = false;
            }
            other => return Some(other),
        }
        None
    }
}

/// What a job was for, so its answers find their place.
#[derive(Clone, Debug, PartialEq)]
pub enum JobKind {
    Probe,
    Preload(String),
    Translate(TranslateRequest),
    Qkv(QkvRequest),
    Memory(MemoryRequest),
    FlashLab(FlashLabRequest),
    Parallel(ParallelRequest),
    Bench,
    ClearCache,
    LoseGpu,
    Crash,
    Cancel,
}

impl JobKind {
    pub fn of(request: &Request) -> JobKind {
        match request {
            Request::Probe => JobKind::Probe,
            Request::Preload { model_id } => JobKind::Preload(model_id.clone()),
            Request::Translate(r) => JobKind::Translate(r.clone()),
            Request::Qkv(r) => JobKind::Qkv(r.clone()),
            Request::Memory(r) => JobKind::Memory(r.clone()),
            Request::FlashLab(r) => JobKind::FlashLab(r.clone()),
            Request::Parallel(r) => JobKind::Parallel(r.clone()),
            Request::Bench { .. } => JobKind::Bench,
            Request::ClearCache => JobKind::ClearCache,
            Request::LoseGpu => JobKind::LoseGpu,
            Request::Crash => JobKind::Crash,
            Request::Cancel { .. } => JobKind::Cancel,
        }
    }
}

/// The last translation that finished: what the backend badge shows.
#[derive(Clone, Debug, PartialEq)]
pub struct LastRun {
    pub model_id: String,
    pub backend: BackendKind,
    pub millis: f64,
    pub measured: Vec<(BackendKind, f64)>,
    pub fallback: Option<Bilingual>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct AppState {
    pub url: UrlState,
    /// `models/index.json` (read by the worker), or why it could not be read.
    pub catalog: Option<Result<Rc<Catalog>, String>>,
    /// Each model's facts (vocabulary, family, sizes), as the worker sent them once.
    pub models: HashMap<String, Rc<ModelFacts>>,
    pub backends: Option<BackendsInfo>,
    pub downloads: HashMap<String, DownloadProgress>,
    /// (model id, backend) → milliseconds it took to load.
    pub ready: HashMap<(String, BackendKind), f64>,
    pub translations: HashMap<TranslateRequest, Rc<TranslationState>>,
    pub qkv: HashMap<QkvRequest, Result<Rc<QkvResult>, Failure>>,
    /// The memory view's answers, per model and question, with the running ones' progress.
    pub memory: HashMap<MemoryRequest, MemoryState>,
    pub flash_lab: LongRun<Vec<FlashLabRow>>,
    /// The sequential-vs-parallel view's rows, in the order measured.
    pub parallel: LongRun<Vec<ParallelRow>>,
    /// (device, Markdown tables, the same tables structured).
    pub bench: LongRun<Option<Rc<BenchReport>>>,
    pub jobs: HashMap<JobId, JobKind>,
    pub last_run: Option<LastRun>,
    /// Notices for the reader (fallbacks, cache cleared), newest last.
    pub notices: Vec<Bilingual>,
    /// The worker died (panic, script error); the page offers to restart it.
    pub crash: Option<String>,
}

/// One memory-view question: computing (the phase announced last), answered or failed.
#[derive(Clone, Debug, PartialEq)]
pub enum MemoryState {
    Running(Option<(usize, usize, String)>),
    Done(Rc<MemoryReport>),
    Failed(Failure),
}

pub enum Action {
    /// The URL state changed (a control, or back/forward).
    SetUrl(UrlState),
    /// A request was sent as `job`.
    Started(JobId, Request),
    Answer(Envelope),
    Crashed(String),
    /// The worker was restarted: every running job is lost.
    Restarted,
    DismissNotice(usize),
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::SetUrl(url) => next.url = url,
            Action::Started(job, request) => next.start(job, &request),
            Action::Answer(envelope) => next.answer(envelope),
            // Keep the first report: a panic's message comes before the trap that ends the worker
            // (whose `error` event says only "unreachable").
            Action::Crashed(message) => {
                next.crash.get_or_insert(message);
            }
            Action::Restarted => {
                next.crash = None;
                next.jobs.clear();
                next.translations.retain(|_, t| !t.is_running());
                next.memory
                    .retain(|_, m| !matches!(m, MemoryState::Running(_)));
                next.flash_lab.running = false;
                next.parallel.running = false;
                next.bench.running = false;
            }
            Action::DismissNotice(i) => {
                if i < next.notices.len() {
                    next.notices.remove(i);
                }
            }
        }
        Rc::new(next)
    }
}

impl AppState {
    fn start(&mut self, job: JobId, request: &Request) {
        let kind = JobKind::of(request);
        match &kind {
            JobKind::Translate(r) => {
                self.translations.insert(
                    r.clone(),
                    Rc::new(TranslationState {
                        job,
                        ..Default::default()
                    }),
                );
            }
            JobKind::Memory(r) => {
                self.memory.insert(r.clone(), MemoryState::Running(None));
            }
            JobKind::FlashLab(_) => {
                self.flash_lab = LongRun {
                    job,
                    running: true,
                    ..Default::default()
                };
            }
            JobKind::Parallel(_) => {
                self.parallel = LongRun {
                    job,
                    running: true,
                    ..Default::default()
                };
            }
            JobKind::Bench => {
                self.bench = LongRun {
                    job,
                    running: true,
                    ..Default::default()
                };
            }
            _ => {}
        }
        self.jobs.insert(job, kind);
    }

    fn answer(&mut self, Envelope { job, response }: Envelope) {
        // Answers that concern the whole page, whatever the job.
        match &response {
            Response::Catalog(catalog) => {
                self.catalog = Some(catalog.clone().map(Rc::new));
                return;
            }
            Response::ModelFacts(facts) => {
                self.models
                    .insert(facts.model_id.clone(), Rc::new(facts.clone()));
                return;
            }
            Response::Backends(info) => {
                self.backends = Some(info.clone());
                return;
            }
            Response::Download(progress) => {
                self.downloads
                    .insert(progress.model_id.clone(), progress.clone());
                return;
            }
            Response::ModelReady {
                model_id,
                backend,
                millis,
            } => {
                self.ready.insert((model_id.clone(), *backend), *millis);
                return;
            }
            Response::Notice(message) => {
                self.notices.push(message.clone());
                return;
            }
            Response::CacheCleared { entries } => {
                self.downloads.clear();
                self.notices.push(Bilingual::new(
                    format!("已清除缓存（{entries} 个文件）"),
                    format!("Cache cleared ({entries} files)"),
                ));
            }
            _ => {}
        }
        let Some(kind) = self.jobs.get(&job).cloned() else {
            return;
        };
        match kind {
            JobKind::Translate(request) => self.translation_answer(job, &request, response),
            JobKind::Qkv(request) => match response {
                Response::Qkv(result) => {
                    self.qkv.insert(request, Ok(Rc::new(result)));
                }
                Response::Failed(failure) => {
                    self.qkv.insert(request, Err(failure));
                }
                _ => {}
            },
            JobKind::Memory(request) => {
                let state = match response {
                    Response::Memory(report) => MemoryState::Done(Rc::new(*report)),
                    Response::Failed(failure) => MemoryState::Failed(failure),
                    Response::Progress { done, total, label } => {
                        MemoryState::Running(Some((done, total, label)))
                    }
                    _ => return,
                };
                self.memory.insert(request, state);
            }
            JobKind::FlashLab(_) if self.flash_lab.job == job => {
                if let Some(Response::FlashLabRow(row)) = self.flash_lab.track(response) {
                    self.flash_lab.result.push(row);
                }
            }
            JobKind::Parallel(_) if self.parallel.job == job => {
                if let Some(Response::ParallelRow(row)) = self.parallel.track(response) {
                    self.parallel.result.push(row);
                }
            }
            JobKind::Bench if self.bench.job == job => match response {
                Response::BenchReport(report) => {
                    self.bench.running = false;
                    // A stopped run sends what finished, then `Cancelled`.
                    self.bench.cancelled = report.stopped;
                    self.bench.result = Some(Rc::new(report));
                }
                Response::Progress { done, total, label } => {
                    self.bench.progress = Some((done, total, label));
                }
                Response::Failed(failure) => {
                    self.bench.failure = Some(failure);
                    self.bench.running = false;
                }
                Response::Cancelled => {
                    self.bench.cancelled = true;
                    self.bench.running = false;
                }
                _ => {}
            },
            _ => {
                if let Response::Failed(failure) = response {
                    self.notices
                        .push(crate::components::failure_notice(&failure));
                }
            }
        }
    }

    fn translation_answer(&mut self, job: JobId, request: &TranslateRequest, response: Response) {
        let Some(entry) = self.translations.get_mut(request) else {
            return;
        };
        if entry.job != job {
            return; // an older run of the same request
        }
        let state = Rc::make_mut(entry);
        let facts = self.models.get(&request.model_id).map(|f| &**f);
        match response {
            Response::Encoded {
                source_tokens,
                encoder,
            } => state.encoded(source_tokens, encoder),
            Response::Step { step, trace } => state.step(facts, step, trace),
            Response::Beam { step, nodes } => state.beam_nodes(step, nodes),
            Response::Translated(done) => {
                self.last_run = Some(LastRun {
                    model_id: done.model_id.clone(),
                    backend: done.backend,
                    millis: done.millis,
                    measured: done.measured.clone(),
                    fallback: done.fallback.clone(),
                });
                state.finish(*done, facts);
                self.jobs.remove(&job);
            }
            Response::Failed(failure) => {
                // A download that failed is over: its bar goes, the message says why.
                self.downloads.remove(&request.model_id);
                state.failure = Some(failure);
                self.jobs.remove(&job);
            }
            _ => {}
        }
    }

    pub fn catalog(&self) -> Option<&Rc<Catalog>> {
        self.catalog.as_ref().and_then(|c| c.as_ref().ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use seq2seq_gpu::bench::{CpuMatmulRow, Table as BenchTable, Timing};

    fn reduce(state: Rc<AppState>, action: Action) -> Rc<AppState> {
        Reducible::reduce(state, action)
    }

    #[test]
    fn a_crash_keeps_its_first_report_until_restart() {
        let state = Rc::new(AppState::default());
        let state = reduce(state, Action::Crashed("panic: index out of bounds".into()));
        let state = reduce(
            state,
            Action::Crashed("Uncaught RuntimeError: unreachable".into()),
        );
        assert_eq!(state.crash.as_deref(), Some("panic: index out of bounds"));
        let state = reduce(state, Action::Restarted);
        assert_eq!(state.crash, None);
    }

    #[test]
    fn a_stopped_benchmark_says_so_and_a_late_stop_of_an_older_run_is_ignored() {
        let bench = || Request::Bench { quick: true };
        let answer = |job, response| Action::Answer(Envelope { job, response });
        let state = reduce(Rc::new(AppState::default()), Action::Started(1, bench()));
        let state = reduce(state, answer(1, Response::Cancelled));
        assert!(state.bench.cancelled && !state.bench.running);
        // A new run clears "stopped"; the first run's stop arriving late changes nothing.
        let state = reduce(state, Action::Started(2, bench()));
        assert!(!state.bench.cancelled && state.bench.running);
        let state = reduce(state, answer(1, Response::Cancelled));
        assert!(!state.bench.cancelled && state.bench.running);
        // Stopped after a table had finished: that table stays, and the run reads as stopped
        // from the report on (before its `Cancelled` arrives).
        let cpu = Timing::from_samples(vec![0.1]);
        let partial = BenchReport {
            device: "CPU".into(),
            tables: vec![BenchTable::CpuMatmul {
                rows: vec![CpuMatmulRow { n: 64, cpu }],
            }],
            stopped: true,
            ..Default::default()
        };
        let report = Response::BenchReport(partial.clone());
        let state = reduce(state, answer(2, report));
        assert!(state.bench.cancelled && !state.bench.running);
        let state = reduce(state, answer(2, Response::Cancelled));
        assert!(state.bench.cancelled);
        assert_eq!(state.bench.result.as_deref(), Some(&partial));
    }

    #[test]
    fn notices_are_bilingual_and_dismissed_one_by_one() {
        let mut state = Rc::new(AppState::default());
        for (i, en) in ["first", "second"].into_iter().enumerate() {
            let envelope = Envelope {
                job: i as JobId,
                response: Response::Notice(Bilingual::new(format!("第{i}"), en)),
            };
            state = reduce(state, Action::Answer(envelope));
        }
        let state = reduce(state, Action::DismissNotice(0));
        assert_eq!(state.notices, vec![Bilingual::new("第1", "second")]);
        let state = reduce(state, Action::DismissNotice(5));
        assert_eq!(state.notices.len(), 1);
    }
}
