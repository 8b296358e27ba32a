//! The multi-stage-build tutorial's hello world, in Rust.
fn main() {
    println!("hello, world");
}
