//! A [`Report`] as Markdown: what the `bench` binary prints, BENCHMARKS.md holds and the page's
//! "Download the Markdown report" saves. `**x**` marks a strong cell. Always English: the page's
//! download sits beside BENCHMARKS.md, and the tables read the same in both.

use super::display::Cell;
use super::lang::Lang;
use super::sequential::SequentialRow;
use super::table::{Report, Table};

fn cell(c: &Cell) -> String {
    if c.strong {
        format!("**{}**", c.text)
    } else {
        c.text.clone()
    }
}

impl Table {
    pub fn to_markdown(&self) -> String {
        let lang = Lang::En;
        let columns = self.columns(lang);
        let mut s = format!("### {}\n\n{}\n\n", self.title(lang), self.note(lang));
        let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
        s += &format!("| {} |\n", names.join(" | "));
        s += &format!("|{}\n", "---|".repeat(columns.len()));
        for row in self.cells(lang) {
            let row: Vec<String> = row.iter().map(cell).collect();
            s += &format!("| {} |\n", row.join(" | "));
        }
        s
    }
}

impl Report {
    /// The device, the timer, every table, then the verdict (or "CPU only"), and a line saying
    /// the reader stopped the run if so.
    pub fn to_markdown(&self) -> String {
        let mut s = format!(
            "Device: {}\n\nGPU timer: {}\n\n",
            self.device,
            self.timer.text(Lang::En)
        );
        for t in &self.tables {
            s += &t.to_markdown();
            s += "\n";
        }
        if self.cpu_only {
            s += "No WebGPU: CPU only.\n";
        } else if self.failures.is_empty() {
            s += "Every GPU result matched the CPU reference.\n";
        } else {
            s += &format!(
                "**{} result(s) did not match the CPU reference:**\n\n",
                self.failures.len()
            );
            for f in &self.failures {
                s += &format!("- {f}\n");
            }
        }
        if self.stopped {
            s += "\nStopped by the reader: only the rows above finished.\n";
        }
        s
    }
}

/// The sequential-vs-parallel table: one row per (encoder, width, T) with its dependent steps,
/// operations and the median time on each backend measured (a backend not run shows "–").
pub fn sequential_markdown(gpu: &[SequentialRow], cpu: &[SequentialRow]) -> String {
    let key = |r: &SequentialRow| (r.family, r.doubled, r.count.tokens);
    let mut rows: Vec<&SequentialRow> = cpu.iter().chain(gpu).collect();
    rows.sort_by_key(|r| key(r));
    rows.dedup_by_key(|r| key(r));
    let find = |set: &[SequentialRow], r: &SequentialRow| {
        set.iter()
            .find(|x| key(x) == key(r))
            .map(|x| x.time.median_ms)
    };
    let ms = |t: Option<f64>| t.map_or("–".to_owned(), |t| format!("{t:.2}"));
    let mut s = String::from(
        "### Sequential vs parallel: encoder passes over T source tokens\n\n\
         Dependent steps: the longest chain of operations the encoder's output depends on \
         (counted by running the same model code on seq2seq-core's `DepthBackend`). Times: \
         median wall clock of one encode plus a one-row read-back, random weights.\n\n\
         | encoder | width | T | dependent steps | operations | GPU ms | CPU ms | CPU / GPU |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in rows {
        let (g, c) = (find(gpu, r), find(cpu, r));
        let ratio = match (g, c) {
            (Some(g), Some(c)) if g > 0.0 => format!("{:.2}×", c / g),
            _ => "–".to_owned(),
        };
        s += &format!(
            "| {}{} | {} | {} | {} | {} | {} | {} | {ratio} |\n",
            r.family.slug(),
            if r.doubled { " (2× widths)" } else { "" },
            r.width,
            r.count.tokens,
            r.count.dependent_steps,
            r.count.operations,
            ms(g),
            ms(c)
        );
    }
    s
}
