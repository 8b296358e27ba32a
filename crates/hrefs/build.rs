//! Compresses the Public Suffix List that `src/suffix.rs` embeds: 45 kB in the binary instead
//! of 159 kB, which the `FROM scratch` image's size budget needs. It is inflated on first use.

use std::io::Write;
use std::path::PathBuf;

fn main() {
    let source = "data/public_suffix_list.dat";
    println!("cargo:rerun-if-changed={source}");
    let list = std::fs::read(source).expect("data/public_suffix_list.dat is part of the crate");
    let mut deflate = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    deflate.write_all(&list).expect("compressing into memory");
    let compressed = deflate.finish().expect("compressing into memory");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("public_suffix_list.dat.deflate"), compressed)
        .expect("OUT_DIR is writable");
}
