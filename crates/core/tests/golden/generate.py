#!/usr/bin/env python3
"""Golden values for seq2seq-core, computed independently in NumPy.

Rerun (from the repository root):

    pip install numpy safetensors
    python3 crates/core/tests/golden/generate.py

It writes, next to this file:
  ops.safetensors          inputs and weights of the op / layer cases (f32)
  <family>.safetensors     tiny weights of the five model families (f32), PyTorch names
  values.rs                the expected outputs, rounded to 6 significant digits, which
                           crates/core/tests/golden/mod.rs `include!`s (golden_ops.rs, golden_models.rs)

Everything derives from one fixed NumPy seed, so a rerun rewrites identical files. The reference
is written from the equations and PyTorch semantics (nn.RNN/GRU/LSTM gate orders, nn.LayerNorm,
GELU tanh approximation, scaled dot-product attention, Bahdanau attention, pre-norm Transformer),
not from the Rust code. Weights are rounded to f32 before use; the arithmetic runs in float64.
The Transformer decoder runs the *full* causal prefix at every step (no KV cache), so the golden
values also check the Rust KV cache.
"""

import os

import numpy as np
from safetensors.numpy import save_file

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20261124
rng = np.random.default_rng(SEED)

# Sizes of the fixtures.
E, H, A, D, HEADS, FFN, LAYERS = 4, 5, 3, 8, 2, 16, 2
SRC_VOCAB, TGT_VOCAB = 13, 11
BOS, EOS = 1, 2
SRC_IDS = [5, 9, 4, 12, 7]  # the source sentence; EOS is appended
STEP2_PREV = 6  # the token fed to the second decoder step
EPS = 1e-5


def f32(a):
    """Round to f32 (what the file stores), then compute in f64."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def uniform(shape, bound):
    return f32(rng.uniform(-bound, bound, size=shape))


def normal(shape, std=1.0):
    return f32(rng.normal(0.0, std, size=shape))


# ---------------------------------------------------------------- reference math


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x**3)))


def softmax(x, axis=-1):
    m = np.max(x, axis=axis, keepdims=True)
    e = np.exp(x - m)
    return e / np.sum(e, axis=axis, keepdims=True)


def layer_norm(x, w, b):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)  # biased, as nn.LayerNorm
    return (x - mu) / np.sqrt(var + EPS) * w + b


def linear(x, w, b=None):  # nn.Linear: x W^T + b
    y = x @ w.T
    return y if b is None else y + b


def rnn_cell(x, h, p):  # nn.RNN, tanh
    return np.tanh(x @ p["w_ih"].T + p["b_ih"] + h @ p["w_hh"].T + p["b_hh"])


def gru_cell(x, h, p):  # nn.GRU, gates r | z | n
    gi = x @ p["w_ih"].T + p["b_ih"]
    gh = h @ p["w_hh"].T + p["b_hh"]
    i_r, i_z, i_n = np.split(gi, 3, axis=-1)
    h_r, h_z, h_n = np.split(gh, 3, axis=-1)
    r = sigmoid(i_r + h_r)
    z = sigmoid(i_z + h_z)
    n = np.tanh(i_n + r * h_n)
    return (1 - z) * n + z * h, dict(r=r, z=z, n=n)


def lstm_cell(x, h, c, p):  # nn.LSTM, gates i | f | g | o
    g_all = x @ p["w_ih"].T + p["b_ih"] + h @ p["w_hh"].T + p["b_hh"]
    i, f, g, o = np.split(g_all, 4, axis=-1)
    i, f, g, o = sigmoid(i), sigmoid(f), np.tanh(g), sigmoid(o)
    c2 = f * c + i * g
    return o * np.tanh(c2), c2, dict(i=i, f=f, g=g, o=o)


def sdpa(q, k, v, heads, causal):
    """softmax(Q K^T / sqrt(d) + mask) V per head; query i sits at absolute position Tk - Tq + i."""
    tq, width = q.shape
    tk = k.shape[0]
    d = width // heads
    out = np.zeros((tq, width))
    weights = np.zeros((heads, tq, tk))
    for hd in range(heads):
        sl = slice(hd * d, (hd + 1) * d)
        s = q[:, sl] @ k[:, sl].T / np.sqrt(d)
        if causal:
            pos_q = np.arange(tq)[:, None] + (tk - tq)
            s = np.where(np.arange(tk)[None, :] > pos_q, -np.inf, s)
        a = softmax(s)
        weights[hd] = a
        out[:, sl] = a @ v[:, sl]
    return out, weights


def bahdanau(s, ann, p):
    """e_j = v^T tanh(W_q s + W_k h_j + b_k); alpha = softmax(e); c = sum_j alpha_j h_j."""
    e = np.tanh(s @ p["query.weight"].T + ann @ p["key.weight"].T + p["key.bias"]) @ p["v.weight"].T  # [S, 1]
    alpha = softmax(e[:, 0])
    return alpha @ ann, alpha


def sinusoidal(start, length, dim):
    pe = np.zeros((length, dim))
    for r, pos in enumerate(range(start, start + length)):
        for k in range(dim):
            angle = pos / 10000.0 ** (2 * (k // 2) / dim)
            pe[r, k] = np.sin(angle) if k % 2 == 0 else np.cos(angle)
    return pe


# ---------------------------------------------------------------- output helpers

values = []  # (NAME, shape, flat data) for values.rs
tensors_ops = {}


def expect(name, arr):
    arr = np.asarray(arr, dtype=np.float64)
    assert np.all(np.isfinite(arr)), name
    values.append((name.upper().replace("-", "_").replace(".", "_"), list(arr.shape), arr.reshape(-1)))


def put(store, name, arr):
    store[name] = np.asarray(arr, dtype=np.float32)
    return f32(store[name])


def cell_params(store, prefix, suffix, gates, inp, hid):
    bound = 1.0 / np.sqrt(hid)
    p = {}
    for key, shape in [("w_ih", (gates * hid, inp)), ("w_hh", (gates * hid, hid)), ("b_ih", (gates * hid,)), ("b_hh", (gates * hid,))]:
        torch_name = {"w_ih": "weight_ih", "w_hh": "weight_hh", "b_ih": "bias_ih", "b_hh": "bias_hh"}[key]
        p[key] = put(store, f"{prefix}.{torch_name}_{suffix}", uniform(shape, 2.0 * bound))
    return p


# ---------------------------------------------------------------- ops and layers

ops = tensors_ops

# Linear
lin_x = put(ops, "linear.x", normal((3, 7)))
lin_w = put(ops, "linear.weight", uniform((5, 7), 0.6))
lin_b = put(ops, "linear.bias", uniform((5,), 0.5))
expect("linear_y", linear(lin_x, lin_w, lin_b))

# Activations over one grid of inputs (with the tails)
act_x = put(ops, "act.x", np.array([-8.0, -4.0, -2.5, -1.0, -0.3, -1e-3, 0.0, 2e-3, 0.4, 1.0, 1.7, 3.0, 5.5, 9.0]))
expect("gelu_y", gelu_tanh(act_x))
expect("sigmoid_y", sigmoid(act_x))
expect("tanh_y", np.tanh(act_x))

# Softmax rows, small and large magnitudes
sm_x = np.stack([
    rng.normal(0, 1, 6),
    rng.normal(0, 30, 6),
    1000.0 + rng.normal(0, 5, 6),
    np.array([-80.0, 80.0, 79.5, -3.0, 0.0, 80.0]),
])
sm_x = put(ops, "softmax.x", sm_x)
expect("softmax_y", softmax(sm_x))

# Layer norm (one row far from zero)
ln_x = normal((3, D))
ln_x[2] += 100.0
ln_x = put(ops, "ln.x", ln_x)
ln_w = put(ops, "ln.weight", 1.0 + normal((D,), 0.2))
ln_b = put(ops, "ln.bias", normal((D,), 0.2))
expect("layer_norm_y", layer_norm(ln_x, ln_w, ln_b))

# Sinusoidal positions
expect("positions_0_4_8", sinusoidal(0, 4, 8))
expect("positions_5_3_6", sinusoidal(5, 3, 6))
expect("positions_2_3_5", sinusoidal(2, 3, 5))

# Cells, one step, batch 2
cx = put(ops, "cell.x", normal((2, E)))
ch = put(ops, "cell.h", uniform((2, H), 0.9))
cc = put(ops, "cell.c", normal((2, H)))
p = cell_params(ops, "rnn_cell", "l0", 1, E, H)
expect("rnn_cell_h", rnn_cell(cx, ch, p))
p = cell_params(ops, "gru_cell", "l0", 3, E, H)
h2, g = gru_cell(cx, ch, p)
expect("gru_cell_h", h2)
for k in "rzn":
    expect(f"gru_cell_{k}", g[k])
p = cell_params(ops, "lstm_cell", "l0", 4, E, H)
h2, c2, g = lstm_cell(cx, ch, cc, p)
expect("lstm_cell_h", h2)
expect("lstm_cell_c", c2)
for k in "ifgo":
    expect(f"lstm_cell_{k}", g[k])

# Bidirectional GRU over S = 4 inputs: annotations [h_fwd ; h_bwd] per position


def bigru(xs, pf, pb):
    s = xs.shape[0]
    fw, bw = [None] * s, [None] * s
    gf, gb = [None] * s, [None] * s
    h = np.zeros((1, pf["w_hh"].shape[1]))
    for t in range(s):
        h, gf[t] = gru_cell(xs[t:t + 1], h, pf)
        fw[t] = h
    h = np.zeros_like(h)
    for t in reversed(range(s)):
        h, gb[t] = gru_cell(xs[t:t + 1], h, pb)
        bw[t] = h
    ann = np.concatenate([np.concatenate(fw), np.concatenate(bw)], axis=1)
    return ann, fw, bw, gf, gb


bx = put(ops, "bigru.x", normal((4, E)))
pf = cell_params(ops, "bigru", "l0", 3, E, H)
pb = cell_params(ops, "bigru", "l0_reverse", 3, E, H)
ann, _, _, gf, gb = bigru(bx, pf, pb)
expect("bigru_annotations", ann)
expect("bigru_z_forward", np.concatenate([g["z"] for g in gf]))
expect("bigru_r_backward", np.concatenate([g["r"] for g in gb]))

# Bahdanau attention: s [1, H], annotations [S, 2H]
ba = {
    "query.weight": put(ops, "bahdanau.query.weight", uniform((A, H), 0.8)),
    "key.weight": put(ops, "bahdanau.key.weight", uniform((A, 2 * H), 0.8)),
    "key.bias": put(ops, "bahdanau.key.bias", uniform((A,), 0.5)),
    "v.weight": put(ops, "bahdanau.v.weight", uniform((1, A), 1.5)),
}
bs = put(ops, "bahdanau.s", uniform((1, H), 1.0))
bann = put(ops, "bahdanau.annotations", uniform((5, 2 * H), 1.0))
ctx, alpha = bahdanau(bs, bann, ba)
expect("bahdanau_context", ctx[None, :])
expect("bahdanau_alpha", alpha[None, :])

# Scaled dot-product attention, width 8
q4 = put(ops, "sdpa.q4", normal((4, D)))
k4 = put(ops, "sdpa.k4", normal((4, D)))
v4 = put(ops, "sdpa.v4", normal((4, D)))
q2 = put(ops, "sdpa.q2", normal((2, D)))
q3 = put(ops, "sdpa.q3", normal((3, D)))
k5 = put(ops, "sdpa.k5", normal((5, D)))
v5 = put(ops, "sdpa.v5", normal((5, D)))
for name, (q, k, v, heads, causal) in {
    "sdpa_self_h2": (q4, k4, v4, 2, False),
    "sdpa_causal_h2": (q4, k4, v4, 2, True),
    "sdpa_self_h4": (q4, k4, v4, 4, False),
    "sdpa_cross_h2": (q3, k5, v5, 2, False),  # Tq 3 < Tk 5, no mask
    "sdpa_cache_h2": (q2, k5, v5, 2, True),  # Tq 2 < Tk 5, causal: KV-cache offset 3
    "sdpa_step_h2": (q2[1:], k5, v5, 2, True),  # one new query over the whole cache
}.items():
    o, w = sdpa(q, k, v, heads, causal)
    expect(f"{name}_out", o)
    expect(f"{name}_weights", w)

# Multi-head attention layer (projections + causal self-attention), x [3, D]


def mha_params(store, prefix, bound=0.5):
    p = {}
    for proj in ["q_proj", "k_proj", "v_proj", "out_proj"]:
        p[proj] = (put(store, f"{prefix}.{proj}.weight", uniform((D, D), bound)), put(store, f"{prefix}.{proj}.bias", uniform((D,), 0.2)))
    return p


def mha(x_q, x_kv, p, causal):
    q = linear(x_q, *p["q_proj"])
    k = linear(x_kv, *p["k_proj"])
    v = linear(x_kv, *p["v_proj"])
    o, w = sdpa(q, k, v, HEADS, causal)
    return linear(o, *p["out_proj"]), w


mx = put(ops, "mha.x", normal((3, D)))
mp = mha_params(ops, "mha")
o, w = mha(mx, mx, mp, True)
expect("mha_causal_out", o)
expect("mha_causal_weights", w)

save_file(tensors_ops, os.path.join(HERE, "ops.safetensors"))

# ---------------------------------------------------------------- models

src = SRC_IDS + [EOS]
S = len(src)


def fixed_context(kind):
    gates = {"rnn": 1, "gru": 3, "lstm": 4}[kind]
    w = {}
    src_emb = put(w, "encoder.embedding.weight", normal((SRC_VOCAB, E)))
    enc = cell_params(w, "encoder.rnn", "l0", gates, E, H)
    tgt_emb = put(w, "decoder.embedding.weight", normal((TGT_VOCAB, E)))
    dec = cell_params(w, "decoder.rnn", "l0", gates, E + H, H)
    out_w = put(w, "decoder.out.weight", uniform((TGT_VOCAB, 2 * H), 1.0 / np.sqrt(2 * H)))
    out_b = put(w, "decoder.out.bias", uniform((TGT_VOCAB,), 0.3))
    save_file(w, os.path.join(HERE, f"{kind}.safetensors"))

    def cell(x, state, p):
        h, c = state
        if kind == "rnn":
            return (rnn_cell(x, h, p), None), {}
        if kind == "gru":
            h2, g = gru_cell(x, h, p)
            return (h2, None), g
        h2, c2, g = lstm_cell(x, h, c, p)
        return (h2, c2), g

    # encoder
    state = (np.zeros((1, H)), np.zeros((1, H)) if kind == "lstm" else None)
    hs, cs, gates_trace = [], [], {}
    for t in range(S):
        state, g = cell(src_emb[src[t]][None, :], state, enc)
        hs.append(state[0])
        if kind == "lstm":
            cs.append(state[1])
        for k, v in g.items():
            gates_trace.setdefault(k, []).append(v)
    c_ctx = state[0]  # the fixed context c = h_S
    expect(f"{kind}_enc_hidden", np.concatenate(hs))
    for k, v in gates_trace.items():
        expect(f"{kind}_enc_gate_{k}", np.concatenate(v))
    if kind == "lstm":
        expect(f"{kind}_enc_cell", np.concatenate(cs))
    # decoder: s_0 = encoder's final state, input [emb(y) ; c], logits W [s ; c] + b
    for step, prev in enumerate([BOS, STEP2_PREV]):
        x = np.concatenate([tgt_emb[prev][None, :], c_ctx], axis=1)
        state, g = cell(x, state, dec)
        logits = linear(np.concatenate([state[0], c_ctx], axis=1), out_w, out_b)
        expect(f"{kind}_step{step + 1}_logits", logits[0])
        expect(f"{kind}_step{step + 1}_hidden", state[0][0])
        for k, v in g.items():
            expect(f"{kind}_step{step + 1}_gate_{k}", v[0])
        if kind == "lstm":
            expect(f"{kind}_step{step + 1}_cell", state[1][0])


def gru_attention():
    w = {}
    src_emb = put(w, "encoder.embedding.weight", normal((SRC_VOCAB, E)))
    pf = cell_params(w, "encoder.rnn", "l0", 3, E, H)
    pb = cell_params(w, "encoder.rnn", "l0_reverse", 3, E, H)
    tgt_emb = put(w, "decoder.embedding.weight", normal((TGT_VOCAB, E)))
    bridge_w = put(w, "decoder.bridge.weight", uniform((H, 2 * H), 0.6))
    bridge_b = put(w, "decoder.bridge.bias", uniform((H,), 0.3))
    att = {
        "query.weight": put(w, "decoder.attention.query.weight", uniform((A, H), 0.8)),
        "key.weight": put(w, "decoder.attention.key.weight", uniform((A, 2 * H), 0.8)),
        "key.bias": put(w, "decoder.attention.key.bias", uniform((A,), 0.5)),
        "v.weight": put(w, "decoder.attention.v.weight", uniform((1, A), 1.5)),
    }
    dec = cell_params(w, "decoder.rnn", "l0", 3, E + 2 * H, H)
    out_w = put(w, "decoder.out.weight", uniform((TGT_VOCAB, 3 * H), 1.0 / np.sqrt(3 * H)))
    out_b = put(w, "decoder.out.bias", uniform((TGT_VOCAB,), 0.3))
    save_file(w, os.path.join(HERE, "gru-attn.safetensors"))

    xs = src_emb[src]
    ann, fw, bw, gf, gb = bigru(xs, pf, pb)
    expect("gru_attn_enc_hidden", ann)
    expect("gru_attn_enc_gate_z", np.concatenate([g["z"] for g in gf]))
    expect("gru_attn_enc_gate_n_backward", np.concatenate([g["n"] for g in gb]))
    s = np.tanh(linear(np.concatenate([fw[-1], bw[0]], axis=1), bridge_w, bridge_b))
    expect("gru_attn_s0", s[0])
    for step, prev in enumerate([BOS, STEP2_PREV]):
        ctx, alpha = bahdanau(s, ann, att)
        x = np.concatenate([tgt_emb[prev][None, :], ctx[None, :]], axis=1)
        s, g = gru_cell(x, s, dec)
        logits = linear(np.concatenate([s, ctx[None, :]], axis=1), out_w, out_b)
        n = step + 1
        expect(f"gru_attn_step{n}_logits", logits[0])
        expect(f"gru_attn_step{n}_alpha", alpha)
        expect(f"gru_attn_step{n}_context", ctx)
        expect(f"gru_attn_step{n}_hidden", s[0])
        expect(f"gru_attn_step{n}_gate_z", g["z"][0])


def transformer():
    w = {}

    def ln(prefix):
        return (put(w, f"{prefix}.weight", 1.0 + normal((D,), 0.2)), put(w, f"{prefix}.bias", normal((D,), 0.1)))

    def ffn(prefix):
        return (
            put(w, f"{prefix}.fc1.weight", uniform((FFN, D), 1.0 / np.sqrt(D))),
            put(w, f"{prefix}.fc1.bias", uniform((FFN,), 0.2)),
            put(w, f"{prefix}.fc2.weight", uniform((D, FFN), 1.0 / np.sqrt(FFN))),
            put(w, f"{prefix}.fc2.bias", uniform((D,), 0.2)),
        )

    src_emb = put(w, "encoder.embedding.weight", normal((SRC_VOCAB, D), 0.3))
    tgt_emb = put(w, "decoder.embedding.weight", normal((TGT_VOCAB, D), 0.3))
    enc_layers = [
        dict(norm1=ln(f"encoder.layers.{l}.norm1"), attn=mha_params(w, f"encoder.layers.{l}.self_attn"),
             norm2=ln(f"encoder.layers.{l}.norm2"), ffn=ffn(f"encoder.layers.{l}.ffn"))
        for l in range(LAYERS)
    ]
    dec_layers = [
        dict(norm1=ln(f"decoder.layers.{l}.norm1"), self_attn=mha_params(w, f"decoder.layers.{l}.self_attn"),
             norm2=ln(f"decoder.layers.{l}.norm2"), cross_attn=mha_params(w, f"decoder.layers.{l}.cross_attn"),
             norm3=ln(f"decoder.layers.{l}.norm3"), ffn=ffn(f"decoder.layers.{l}.ffn"))
        for l in range(LAYERS)
    ]
    enc_norm = ln("encoder.norm")
    dec_norm = ln("decoder.norm")
    out_w = put(w, "decoder.out.weight", uniform((TGT_VOCAB, D), 1.0 / np.sqrt(D)))
    out_b = put(w, "decoder.out.bias", uniform((TGT_VOCAB,), 0.3))
    save_file(w, os.path.join(HERE, "transformer.safetensors"))

    def feed_forward(x, p):
        w1, b1, w2, b2 = p
        return linear(gelu_tanh(linear(x, w1, b1)), w2, b2)

    # encoder: x = emb * sqrt(D) + PE; pre-norm layers; final LN
    x = src_emb[src] * np.sqrt(D) + sinusoidal(0, S, D)
    enc_self = []
    for layer in enc_layers:
        n = layer_norm(x, *layer["norm1"])
        a, aw = mha(n, n, layer["attn"], False)
        enc_self.append(aw)
        x = x + a
        x = x + feed_forward(layer_norm(x, *layer["norm2"]), layer["ffn"])
    memory = layer_norm(x, *enc_norm)
    expect("transformer_enc_hidden", memory)
    expect("transformer_enc_self_attention", np.stack(enc_self))  # [L, heads, S, S]

    # decoder: the whole prefix each time (causal), read the last position
    prefix = []
    for step, prev in enumerate([BOS, STEP2_PREV]):
        prefix.append(prev)
        t = len(prefix)
        y = tgt_emb[prefix] * np.sqrt(D) + sinusoidal(0, t, D)
        self_w, cross_w = [], []
        for layer in dec_layers:
            n = layer_norm(y, *layer["norm1"])
            a, aw = mha(n, n, layer["self_attn"], True)
            self_w.append(aw[:, -1, :])
            y = y + a
            n = layer_norm(y, *layer["norm2"])
            a, aw = mha(n, memory, layer["cross_attn"], False)
            cross_w.append(aw[:, -1, :])
            y = y + a
            y = y + feed_forward(layer_norm(y, *layer["norm3"]), layer["ffn"])
        hidden = layer_norm(y, *dec_norm)[-1]
        n = step + 1
        expect(f"transformer_step{n}_logits", linear(hidden, out_w, out_b))
        expect(f"transformer_step{n}_hidden", hidden)
        expect(f"transformer_step{n}_self_attention", np.stack(self_w))  # [L, heads, t]
        expect(f"transformer_step{n}_cross_attention", np.stack(cross_w))  # [L, heads, S]


for kind in ["rnn", "gru", "lstm"]:
    fixed_context(kind)
gru_attention()
transformer()

# ---------------------------------------------------------------- values.rs


def lit(v):
    s = f"{float(v):.6g}"
    if s in ("0", "-0"):
        return "0.0"
    if "." not in s and "e" not in s:
        s += ".0"
    return s


lines = [
    "// @generated by crates/core/tests/golden/generate.py — do not edit; rerun the script.",
    f"// NumPy seed {SEED}; expected outputs rounded to 6 significant digits.",
    "",
    f"pub const E: usize = {E};",
    f"pub const H: usize = {H};",
    f"pub const A: usize = {A};",
    f"pub const D: usize = {D};",
    f"pub const HEADS: usize = {HEADS};",
    f"pub const FFN: usize = {FFN};",
    f"pub const LAYERS: usize = {LAYERS};",
    f"pub const SRC_VOCAB: usize = {SRC_VOCAB};",
    f"pub const TGT_VOCAB: usize = {TGT_VOCAB};",
    f"/// The source sentence, EOS appended.",
    f"pub const SRC_IDS: &[u32] = &{src};",
    f"/// The previous token of the second decoder step (the first starts from BOS).",
    f"pub const STEP2_PREV: u32 = {STEP2_PREV};",
    "",
]
for name, shape, data in values:
    body = ", ".join(lit(v) for v in data)
    lines.append(f"pub const {name}: Golden = Golden {{ shape: &{shape}, data: &[{body}] }};")
with open(os.path.join(HERE, "values.rs"), "w") as fh:
    fh.write("\n".join(lines) + "\n")
print(f"wrote {len(values)} golden tensors and {5 + 1} safetensors files to {HERE}")
