//! TEMPORARY stand-in for `seq2seq_core::demo` until it lands.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoOutput {
    pub family: String,
    pub source_tokens: Vec<String>,
    pub target_tokens: Vec<String>,
    pub text: String,
    pub steps: usize,
}
pub const FAMILIES: [&str; 5] = ["rnn", "gru", "lstm", "gru-attn", "transformer"];
pub fn random_translation(
    family: &str,
    text: &str,
    seed: u64,
    max_len: usize,
) -> Result<DemoOutput, String> {
    let source_tokens: Vec<String> = text.split_whitespace().map(str::to_owned).collect();
    let chars = ['我', '喜', '欢', '吃', '苹', '果', '猫'];
    let n = (seed as usize + family.len()) % max_len + 1;
    let target_tokens: Vec<String> = (0..n)
        .map(|i| chars[(i * 3 + family.len()) % 7].to_string())
        .collect();
    Ok(DemoOutput {
        family: family.into(),
        text: target_tokens.concat(),
        steps: n,
        source_tokens,
        target_tokens,
    })
}
