//! Save an on-screen SVG figure as an .svg or .png file (PNG: drawn on a canvas at 2×), or any
//! text (a report) as a file.
//! Figures use explicit colours (no CSS variables), so the saved file looks like the screen.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, HtmlCanvasElement, HtmlImageElement, Url};

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

fn svg_text(svg_id: &str) -> Option<(String, f64, f64)> {
    let element = document()?.get_element_by_id(svg_id)?;
    let width = element.get_attribute("width")?.parse().ok()?;
    let height = element.get_attribute("height")?.parse().ok()?;
    let text = web_sys::XmlSerializer::new()
        .ok()?
        .serialize_to_string(&element)
        .ok()?;
    Some((text, width, height))
}

const SVG_TYPE: &str = "image/svg+xml;charset=utf-8";

fn text_blob(text: &str, mime: &str) -> Option<Blob> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    Blob::new_with_str_sequence_and_options(&parts, &options).ok()
}

/// Save `text` as a download named `filename` (`mime`, e.g. "text/markdown;charset=utf-8").
pub fn save_text(text: &str, mime: &str, filename: &str) {
    if let Some(blob) = text_blob(text, mime) {
        save(&blob, filename);
    }
}

/// Hand `blob` to the browser as a download (the one place the page saves files).
fn save(blob: &Blob, filename: &str) {
    let Some(doc) = document() else { return };
    let Ok(url) = Url::create_object_url_with_blob(blob) else {
        return;
    };
    if let Ok(anchor) = doc.create_element("a") {
        let anchor: HtmlAnchorElement = anchor.unchecked_into();
        anchor.set_href(&url);
        anchor.set_download(filename);
        anchor.click();
    }
    let _ = Url::revoke_object_url(&url);
}

/// Save the `<svg id=svg_id>` as `filename` (.svg).
pub fn save_svg(svg_id: &str, filename: &str) {
    if let Some((text, _, _)) = svg_text(svg_id) {
        save_text(&text, SVG_TYPE, filename);
    }
}

/// Render the `<svg id=svg_id>` at 2× on a canvas with a white background and save it as PNG.
pub fn save_png(svg_id: &str, filename: &str) {
    let Some((text, width, height)) = svg_text(svg_id) else {
        return;
    };
    let Some(blob) = text_blob(&text, SVG_TYPE) else {
        return;
    };
    let Ok(url) = Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let Ok(image) = HtmlImageElement::new() else {
        return;
    };
    let filename = filename.to_owned();
    let source = image.clone();
    let url_for_load = url.clone();
    let onload = Closure::once_into_js(move || {
        let _ = Url::revoke_object_url(&url_for_load);
        let Some(doc) = document() else { return };
        let Some(canvas) = doc
            .create_element("canvas")
            .ok()
            .and_then(|c| c.dyn_into::<HtmlCanvasElement>().ok())
        else {
            return;
        };
        let scale = 2.0;
        canvas.set_width((width * scale) as u32);
        canvas.set_height((height * scale) as u32);
        let Some(ctx) = canvas
            .get_context("2d")
            .ok()
            .flatten()
            .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
        else {
            return;
        };
        ctx.set_fill_style_str(crate::components::palette::PAPER);
        ctx.fill_rect(0.0, 0.0, width * scale, height * scale);
        let _ = ctx.scale(scale, scale);
        let _ = ctx.draw_image_with_html_image_element(&source, 0.0, 0.0);
        let save_blob = Closure::once_into_js(move |blob: JsValue| {
            if let Ok(blob) = blob.dyn_into::<Blob>() {
                save(&blob, &filename);
            }
        });
        let _ = canvas.to_blob(save_blob.unchecked_ref());
    });
    image.set_onload(Some(onload.unchecked_ref()));
    image.set_src(&url);
}
