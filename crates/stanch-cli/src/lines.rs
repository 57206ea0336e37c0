//! Line and column numbers of offsets in a stream of text pieces.

/// 1-based line and 0-based column (in characters) of a position, tracked
/// incrementally across stream pieces.
pub struct LineTracker {
    pub line: u64,
    pub col: u64,
    pos: usize,
}

impl Default for LineTracker {
    fn default() -> Self {
        LineTracker {
            line: 1,
            col: 0,
            pos: 0,
        }
    }
}

impl LineTracker {
    /// At the start of line `line`.
    pub fn at_line(line: u64) -> LineTracker {
        LineTracker {
            line,
            ..LineTracker::default()
        }
    }

    /// Moves to offset `to` of `piece` (offsets only grow within a piece).
    pub fn advance(&mut self, piece: &[u8], to: usize) {
        let seg = &piece[self.pos..to];
        let newlines = memchr::memchr_iter(b'\n', seg).count() as u64;
        if newlines > 0 {
            self.line += newlines;
            let last = memchr::memrchr(b'\n', seg).expect("counted a newline");
            self.col = chars(&seg[last + 1..]);
        } else {
            self.col += chars(seg);
        }
        self.pos = to;
    }

    /// The next piece of the stream starts.
    pub fn next_piece(&mut self) {
        self.pos = 0;
    }
}

fn chars(b: &[u8]) -> u64 {
    b.iter().filter(|&&c| (c & 0xC0) != 0x80).count() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_tracking_across_pieces() {
        let mut t = LineTracker::default();
        let p1 = "ab\ncdé".as_bytes();
        t.advance(p1, 3);
        assert_eq!((t.line, t.col), (2, 0));
        t.advance(p1, p1.len());
        assert_eq!((t.line, t.col), (2, 3));
        t.next_piece();
        let p2 = b"fg\nh";
        t.advance(p2, 1);
        assert_eq!((t.line, t.col), (2, 4));
        t.advance(p2, 4);
        assert_eq!((t.line, t.col), (3, 1));
    }
}
