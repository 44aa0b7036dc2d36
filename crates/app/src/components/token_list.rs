//! A row of tokens, each in its own box, in order.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TokenListProps {
    /// Element id and `data-testid` of the list.
    pub id: AttrValue,
    pub label: AttrValue,
    pub tokens: Vec<String>,
}

#[function_component(TokenList)]
pub fn token_list(props: &TokenListProps) -> Html {
    html! {
        <section class="tokens">
            <h3>{ props.label.clone() }<span class="count">{ format!(" ({})", props.tokens.len()) }</span></h3>
            <ol id={props.id.clone()} data-testid={props.id.clone()} class="token-list">
                { for props.tokens.iter().enumerate().map(|(index, token)| html! {
                    <li class="token" title={format!("#{index}")}>{ token.clone() }</li>
                }) }
            </ol>
        </section>
    }
}
