//! A [`Report`] as Markdown: what the `bench` binary prints, BENCHMARKS.md holds and the page's
//! "Download the Markdown report" saves. `**x**` marks a strong cell.

use super::display::Cell;
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
        let columns = self.columns();
        let mut s = format!("### {}\n\n{}\n\n", self.title(), self.note());
        let names: Vec<&str> = columns.iter().map(|c| c.name).collect();
        s += &format!("| {} |\n", names.join(" | "));
        s += &format!("|{}\n", "---|".repeat(columns.len()));
        for row in self.cells() {
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
        let mut s = format!("Device: {}\n\nGPU timer: {}\n\n", self.device, self.timer);
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
