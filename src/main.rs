//! The browser entry point: mounts the app.

fn main() {
    quota::start();
}
