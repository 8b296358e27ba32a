//! Output rendered on every core and written in order: the links of a large crawl are most
//! of its report, and rendering them on every core halves the time the report takes.

/// Link edges rendered at a time by [`write_blocks`]: about a quarter of a megabyte of JSON,
/// small, since each thread holds two blocks ahead of the writer.
pub(super) const BLOCK: usize = 1024;

/// Writes `blocks` pieces of output in order, each rendered by `render(block, buf)` on one of
/// a few threads while this thread writes. Memory stays bounded: each thread renders at most
/// two blocks ahead of the writer.
pub(super) fn write_blocks(
    out: &mut impl std::io::Write,
    blocks: usize,
    render: impl Fn(usize, &mut Vec<u8>) + Sync,
) -> std::io::Result<()> {
    let threads = crate::threads();
    if threads == 1 || blocks < 2 {
        let mut buf = Vec::new();
        for block in 0..blocks {
            buf.clear();
            render(block, &mut buf);
            out.write_all(&buf)?;
        }
        return Ok(());
    }
    std::thread::scope(|scope| {
        let render = &render;
        // One lane per thread: its rendered blocks in order, and spent buffers back.
        let lanes: Vec<_> = (0..threads)
            .map(|lane| {
                let (done, rendered) = std::sync::mpsc::sync_channel::<Vec<u8>>(1);
                let (give_back, spares) = std::sync::mpsc::channel::<Vec<u8>>();
                scope.spawn(move || {
                    for block in (lane..blocks).step_by(threads) {
                        let mut buf = spares.try_recv().unwrap_or_default();
                        buf.clear();
                        render(block, &mut buf);
                        // The writer is gone only after a write error.
                        if done.send(buf).is_err() {
                            return;
                        }
                    }
                });
                (rendered, give_back)
            })
            .collect();
        for block in 0..blocks {
            let (rendered, give_back) = &lanes[block % threads];
            let buf = rendered
                .recv()
                .expect("a rendering thread sends each of its blocks");
            out.write_all(&buf)?;
            let _ = give_back.send(buf);
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_written_in_order() {
        for blocks in [0, 1, 2, 3, 17, 100] {
            let mut out = Vec::new();
            write_blocks(&mut out, blocks, |b, buf| {
                buf.extend_from_slice(format!("{b},").as_bytes())
            })
            .unwrap();
            let want: String = (0..blocks).map(|b| format!("{b},")).collect();
            assert_eq!(String::from_utf8(out).unwrap(), want);
        }
    }

    #[test]
    fn a_write_error_stops_the_rendering() {
        /// Accepts `n` writes, then fails.
        struct Full(usize);
        impl std::io::Write for Full {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                if self.0 == 0 {
                    return Err(std::io::Error::other("disk full"));
                }
                self.0 -= 1;
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let rendered = std::sync::atomic::AtomicUsize::new(0);
        let err = write_blocks(&mut Full(3), 10_000, |_, buf| {
            rendered.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            buf.push(b'x');
        })
        .unwrap_err();
        assert_eq!(err.to_string(), "disk full");
        // Each thread renders at most a couple of blocks ahead of the failed write.
        assert!(rendered.into_inner() < 30);
    }
}
