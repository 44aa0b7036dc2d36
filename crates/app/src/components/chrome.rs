//! Page chrome: the title and the footer with the data attribution.

use yew::prelude::*;

#[function_component(Header)]
pub fn header() -> Html {
    html! {
        <header class="header">
            <h1 id="title" data-testid="title">{"从RNN到Attention · Seq2Seq Playground"}</h1>
            <p class="subtitle">
                {"在浏览器里运行真正的编码器–解码器：RNN、GRU、LSTM、Bahdanau 注意力、Transformer。"}
                <span class="en">{" Real encoder–decoder models, computed in your browser."}</span>
            </p>
        </header>
    }
}

#[function_component(Footer)]
pub fn footer() -> Html {
    html! {
        <footer class="footer">
            <p>
                {"English–Chinese sentence pairs from the Tatoeba Project (tatoeba.org) via \
                  www.manythings.org/anki, CC BY 2.0 FR."}
            </p>
        </footer>
    }
}
