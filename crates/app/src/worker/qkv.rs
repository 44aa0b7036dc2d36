//! The Q/K/V explorer's numbers: one encoder self-attention of a shipped Transformer, or one
//! masked self-attention of its decoder over the greedy translation, taken apart per head by
//! `TransformerModel::explain_encoder_attention` / `explain_decoder_self_attention`
//! (seq2seq-core), on the CPU (the numbers are small, and the CPU is the reference every kernel
//! is tested against).

use std::cell::RefCell;
use std::rc::Rc;

use seq2seq_core::decoding::DecodeOptions;
use seq2seq_core::models::AnyModel;
use seq2seq_core::tokenizer::{BOS, EOS};
use seq2seq_gpu::measure::now_ms;

use super::hosting::Hosting;
use super::Reply;
use crate::protocol::{Failure, FailureKind, QkvRequest, QkvResult, Response};

pub async fn run(hosting: &Rc<RefCell<Hosting>>, reply: &Reply, request: QkvRequest) {
    match explain(hosting, reply, &request).await {
        Ok(result) => reply.send(Response::Qkv(result)),
        Err(failure) => reply.fail(failure),
    }
}

fn input(message: String) -> Failure {
    Failure {
        kind: FailureKind::Input,
        message,
    }
}

async fn explain(
    hosting: &Rc<RefCell<Hosting>>,
    reply: &Reply,
    request: &QkvRequest,
) -> Result<QkvResult, Failure> {
    let t = Hosting::cpu_model(hosting, &request.model_id, reply).await?;
    let AnyModel::Transformer(model) = &t.model else {
        return Err(input(format!(
            "{} is not a Transformer: it has no Q/K/V",
            request.model_id
        )));
    };
    let start = now_ms();
    let encoding = t
        .source
        .encode(&request.text)
        .map_err(|e| input(e.to_string()))?;
    if encoding.ids.is_empty() {
        return Err(input("the sentence is empty".into()));
    }
    if encoding.ids.len() > seq2seq_core::decoding::MAX_SOURCE_TOKENS {
        return Err(input(format!(
            "the sentence has {} tokens; the models accept at most {}",
            encoding.ids.len(),
            seq2seq_core::decoding::MAX_SOURCE_TOKENS
        )));
    }
    // The model sees the source with EOS appended, as in translation.
    let mut ids = encoding.ids;
    ids.push(EOS);
    let mut source_tokens = encoding.tokens;
    source_tokens.push(t.source.token(EOS).to_owned());
    // A link may name a token or layer the sentence or model does not have (the text changed):
    // show the last one instead; the answer says which was shown.
    let (explained, tokens, translation) = if request.decoder {
        // The decoder's inputs: BOS, then the greedy translation (position t predicts t + 1).
        let options = DecodeOptions {
            max_len: super::translate::MAX_TARGET_TOKENS,
            trace: false,
            ..DecodeOptions::default()
        };
        let output = t
            .translate(&request.text, &options, &mut |_| {})
            .await
            .map_err(|e| input(e.to_string()))?;
        let mut inputs = vec![BOS];
        inputs.extend(&output.translation.tokens);
        let tokens: Vec<String> = inputs
            .iter()
            .map(|&id| t.target.token(id).to_owned())
            .collect();
        let layer = request
            .layer
            .min(model.config.decoder_layers.saturating_sub(1));
        let token = request.token.min(inputs.len() - 1);
        let explained = model
            .explain_decoder_self_attention(&ids, &inputs, layer, token)
            .await
            .map_err(|e| input(e.to_string()))?;
        (explained, tokens, output.text)
    } else {
        let layer = request
            .layer
            .min(model.config.encoder_layers.saturating_sub(1));
        let token = request.token.min(ids.len() - 1);
        let explained = model
            .explain_encoder_attention(&ids, layer, token)
            .await
            .map_err(|e| input(e.to_string()))?;
        (explained, source_tokens, String::new())
    };
    Ok(QkvResult {
        model_id: request.model_id.clone(),
        tokens,
        decoder: request.decoder,
        translation,
        layer: explained.layer,
        token: explained.query,
        layers: explained.layers,
        head_dim: explained.head_dim,
        scale: explained.scale,
        causal: explained.causal,
        heads: explained.heads,
        millis: now_ms() - start,
    })
}
