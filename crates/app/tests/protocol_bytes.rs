//! The page ↔ worker protocol carries each fact once, and the page still rebuilds the whole
//! translation from it. Runs two shipped models (CPU) through the worker's own message builders
//! (`worker::translate::Stream`, `done`, `worker::hosting::facts`), feeds the messages to the
//! page's reducer, compares the rebuilt result with `Translator::translate`'s output, and prints
//! the bincode bytes per translation:
//!
//! `cargo test -p seq2seq-app --release --test protocol_bytes -- --nocapture`

use std::rc::Rc;

use futures_util::FutureExt;
use seq2seq_app::protocol::{BackendKind, Envelope, Request, Response, TranslateRequest};
use seq2seq_app::route::BackendPref;
use seq2seq_app::state::{Action, AppState, TranslationResult};
use seq2seq_app::worker::hosting::facts;
use seq2seq_app::worker::translate::{done, options, Stream};
use seq2seq_core::backend::CpuBackend;
use seq2seq_core::translator::{TranslationOutput, Translator};
use yew::Reducible;

/// Ten words (the README's performance sentence).
const TEN_WORDS: &str = "Tom said he would come to the party next week.";

fn load(id: &str) -> Translator<CpuBackend> {
    let dir = format!("{}/../../www/models/{id}", env!("CARGO_MANIFEST_DIR"));
    let read = |f: &str| std::fs::read(format!("{dir}/{f}")).unwrap();
    let text = |f: &str| String::from_utf8(read(f)).unwrap();
    let (src, tgt) = id
        .rsplit_once('-')
        .map(|(rest, t)| (&rest[rest.len() - 2..], t))
        .unwrap();
    Translator::load(
        &CpuBackend,
        &text("config.json"),
        &read("model.safetensors"),
        &text(&format!("tokenizer-{src}.json")),
        &text(&format!("tokenizer-{tgt}.json")),
    )
    .unwrap()
}

fn bytes(response: &Response) -> usize {
    let envelope = Envelope {
        job: 1,
        response: response.clone(),
    };
    bincode::serialize(&envelope).unwrap().len()
}

/// The worker's messages for one translation: the model's facts, then the stream and the final
/// answer of a run that streamed (`streamed`) or of a silent one that replaces it.
fn messages(
    t: &Translator<CpuBackend>,
    beam: usize,
    streamed: bool,
) -> (Vec<Response>, TranslationOutput) {
    let mut out = vec![Response::ModelFacts(facts(t))];
    let mut stream = Stream::default();
    let output = t
        .translate(
            TEN_WORDS,
            &options(beam, t.config.length_penalty_for(TEN_WORDS)),
            &mut |e| {
                if let Some(r) = stream.response(e) {
                    out.push(r);
                }
            },
        )
        .now_or_never()
        .expect("the CPU backend never waits")
        .unwrap();
    out.push(done(
        &t.config.id,
        output.clone(),
        streamed,
        BackendKind::Cpu,
        1.0,
        vec![],
        None,
    ));
    (out, output)
}

/// What the page's reducer makes of `messages`.
fn page(id: &str, beam: usize, messages: Vec<Response>) -> Rc<TranslationResult> {
    let request = TranslateRequest {
        model_id: id.into(),
        text: TEN_WORDS.into(),
        beam,
        backend: BackendPref::Cpu,
    };
    let mut state = Rc::new(AppState::default());
    state = state.reduce(Action::Started(7, Request::Translate(request.clone())));
    for response in messages {
        state = state.reduce(Action::Answer(Envelope { job: 7, response }));
    }
    let translation = state.translations[&request].clone();
    translation.done.clone().expect("the translation finished")
}

fn assert_whole(
    result: &TranslationResult,
    t: &Translator<CpuBackend>,
    output: &TranslationOutput,
) {
    assert_eq!(*result.source_tokens, output.source_tokens);
    assert_eq!(*result.target_tokens, output.target_tokens);
    assert_eq!(result.text, output.text);
    assert_eq!(*result.steps, output.translation.steps);
    assert_eq!(*result.encoder, output.translation.encoder);
    assert_eq!(
        result.beam_tree.as_deref(),
        output.translation.beam_tree.as_ref()
    );
    assert_eq!(result.target_vocab.len(), t.target.vocab_size());
}

/// bincode bytes of `value`.
fn size<T: serde::Serialize>(value: &T) -> usize {
    bincode::serialized_size(value).unwrap() as usize
}

/// The bincode bytes of each fact of `output`, counted once.
fn once_bytes(output: &TranslationOutput) -> usize {
    let t = &output.translation;
    let tree = t.beam_tree.as_ref().map_or(0, |tree| size(&tree.nodes));
    size(&output.source_tokens) + size(&t.encoder) + size(&t.steps) + tree + size(&output.text)
}

#[test]
fn each_fact_crosses_once_and_the_page_rebuilds_the_whole_translation() {
    let mut total = 0;
    for id in ["gru-attn-en-zh", "transformer-en-zh"] {
        let t = load(id);
        for beam in [1, 4] {
            let (messages, output) = messages(&t, beam, true);
            let facts = bytes(&messages[0]);
            let sizes: Vec<usize> = messages[1..].iter().map(bytes).collect();
            let translation: usize = sizes.iter().sum();
            let last = *sizes.last().unwrap();
            println!(
                "{id} beam {beam}: {} messages, {translation} bytes per translation (final answer {last} B); model facts once: {facts} B",
                sizes.len()
            );
            // Each fact once: the bytes are those of the facts themselves (source pieces, encoder
            // trace, step traces, tree nodes, text) plus a little framing per message.
            let facts_once = once_bytes(&output);
            assert!(
                translation <= facts_once + 64 * sizes.len(),
                "{translation} B sent for {facts_once} B of facts"
            );
            // Greedy: every step streamed, so the final answer is the text and the run's facts.
            if beam == 1 {
                assert!(
                    last < 200,
                    "the final answer repeats streamed facts: {last} B"
                );
                total += translation;
            }
            let result = page(id, beam, messages);
            assert_whole(&result, &t, &output);
        }
    }
    println!("two models, greedy, {TEN_WORDS:?}: {total} bytes");
}

#[test]
fn a_silent_run_replaces_what_streamed() {
    // `auto` streams the CPU run, then may keep the GPU's silent run: its answer carries it all.
    let t = load("gru-attn-en-zh");
    for beam in [1, 3] {
        let (mut streamed, _) = messages(&t, beam, true);
        let (silent, output) = messages(&t, beam, false);
        streamed.pop();
        streamed.push(silent.last().unwrap().clone());
        let result = page("gru-attn-en-zh", beam, streamed);
        assert_whole(&result, &t, &output);
    }
}
