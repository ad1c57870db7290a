//! The README's key table says what the keymap does: it is generated from the same table as the
//! help overlay, so a binding changed in one place and not the other fails here.

#[test]
fn the_readme_key_table_is_the_keymap() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md at the crate root");
    let want = pcx::app::keymap::readme_table();
    assert!(
        readme.contains(&want),
        "README.md's key table differs from the keymap; replace it with:\n{want}"
    );
}
