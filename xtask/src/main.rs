//! `cargo xtask bundle aidj-plugin --release`: builds `target/bundled/AI DJ.clap` and `AI DJ.vst3`.
fn main() -> nice_plug_xtask::Result<()> {
    nice_plug_xtask::main()
}
