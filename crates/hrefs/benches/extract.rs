//! Extraction throughput on real pages: every HTML page of Debian's python3.11-doc, joined
//! into one 50 MB document, fed in chunks as a network read would deliver them.
//!
//! Install the pages with `scripts/setup-test-deps.sh`, then `cargo bench -p hrefs`.

#![allow(missing_docs)] // criterion_group! generates an undocumented function.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use hrefs::{CompatCounts, ExtractOptions, Extractor};

const DOCS: &str = "/usr/share/doc/python3.11/html";

fn collect(dir: &std::path::Path, out: &mut Vec<u8>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| {
            panic!(
                "cannot read {}: {e} (run scripts/setup-test-deps.sh)",
                dir.display()
            )
        })
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "html") {
            out.extend(std::fs::read(&path).expect("readable page"));
        }
    }
}

fn run(page: &[u8], chunk: usize, options: ExtractOptions) -> CompatCounts {
    let mut counts = CompatCounts::default();
    let mut on_anchor = |a: &hrefs::Anchor| counts.add_anchor(a, b"127.0.0.1:18081");
    let mut x = Extractor::new(options);
    for piece in page.chunks(chunk) {
        x.write(piece, &mut on_anchor);
    }
    x.finish(&mut on_anchor);
    counts
}

fn bench(c: &mut Criterion) {
    let mut page = Vec::new();
    collect(std::path::Path::new(DOCS), &mut page);
    let mut group = c.benchmark_group("extract");
    group.throughput(Throughput::Bytes(page.len() as u64));
    group.sample_size(10);
    for chunk in [1024, 64 * 1024] {
        group.bench_function(format!("compat counts, {chunk} B chunks"), |b| {
            b.iter(|| run(&page, chunk, ExtractOptions::default()))
        });
    }
    let report = ExtractOptions {
        anchor_details: true,
        fragment_targets: true,
        seo: true,
    };
    group.bench_function("with text, ids and SEO facts, 65536 B chunks", |b| {
        b.iter(|| run(&page, 64 * 1024, report))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
