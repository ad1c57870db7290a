//! A test backend that follows scripted resizes, as a real terminal follows its window.

use pcx::app::RawTerminal;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Position, Size};
use std::sync::{Arc, Mutex};

/// A TestBackend whose size follows a shared value, as a real terminal follows its window: the
/// script sets the size together with the Resize event it types.
pub struct ResizableBackend {
    inner: TestBackend,
    pub size: Arc<Mutex<(u16, u16)>>,
}

impl ResizableBackend {
    pub fn new(width: u16, height: u16) -> Self {
        Self {
            inner: TestBackend::new(width, height),
            size: Arc::new(Mutex::new((width, height))),
        }
    }

    fn target(&self) -> (u16, u16) {
        *self.size.lock().unwrap()
    }

    /// Brings the inner buffer to the window's size before it is drawn on.
    fn follow(&mut self) {
        let (w, h) = self.target();
        let area = self.inner.buffer().area;
        if (area.width, area.height) != (w, h) {
            self.inner.resize(w, h);
        }
    }
}

impl RawTerminal for ResizableBackend {}

impl Backend for ResizableBackend {
    type Error = std::convert::Infallible;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Self::Error>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.follow();
        self.inner.draw(content)
    }

    fn hide_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.hide_cursor()
    }

    fn show_cursor(&mut self) -> Result<(), Self::Error> {
        self.inner.show_cursor()
    }

    fn get_cursor_position(&mut self) -> Result<Position, Self::Error> {
        self.inner.get_cursor_position()
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> Result<(), Self::Error> {
        self.follow();
        self.inner.set_cursor_position(position)
    }

    fn clear(&mut self) -> Result<(), Self::Error> {
        self.follow();
        self.inner.clear()
    }

    fn clear_region(&mut self, clear_type: ClearType) -> Result<(), Self::Error> {
        self.follow();
        self.inner.clear_region(clear_type)
    }

    fn size(&self) -> Result<Size, Self::Error> {
        let (width, height) = self.target();
        Ok(Size { width, height })
    }

    fn window_size(&mut self) -> Result<WindowSize, Self::Error> {
        self.follow();
        self.inner.window_size()
    }

    fn flush(&mut self) -> Result<(), Self::Error> {
        self.inner.flush()
    }
}
