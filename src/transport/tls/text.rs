//! Detail text written straight into a caller's buffer from static pieces and decimal
//! numbers, without `core::fmt` (whose machinery would otherwise be linked for error texts).

/// A byte buffer filled with text, cut to fit (at character boundaries) with one byte kept
/// for the NUL that [`finish`](Self::finish) writes.
pub(super) struct Text<'a> {
    out: &'a mut [u8],
    len: usize,
}

impl<'a> Text<'a> {
    /// An empty text over `out`.
    pub(super) fn new(out: &'a mut [u8]) -> Self {
        Self { out, len: 0 }
    }

    /// Appends what fits of `s`.
    pub(super) fn str(&mut self, s: &str) {
        let room = self.out.len().saturating_sub(self.len + 1);
        let mut take = s.len().min(room);
        while !s.is_char_boundary(take) {
            take -= 1;
        }
        let dst = self.out.get_mut(self.len..self.len + take);
        if let (Some(dst), Some(src)) = (dst, s.as_bytes().get(..take)) {
            dst.copy_from_slice(src);
            self.len += take;
        }
    }

    /// Appends `n` in decimal.
    pub(super) fn num(&mut self, mut n: u64) {
        // u64::MAX has 20 digits; written from the right, no index that could be out of range.
        let mut digits = [0u8; 20];
        let mut len = 0;
        for slot in digits.iter_mut().rev() {
            *slot = b'0' + (n % 10) as u8;
            len += 1;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let digits = digits.get(digits.len().saturating_sub(len)..).unwrap_or_default();
        // ASCII digits: always valid UTF-8.
        self.str(core::str::from_utf8(digits).unwrap_or(""));
    }

    /// NUL-terminates the text (when the buffer is not empty); returns its length without
    /// the NUL.
    pub(super) fn finish(self) -> usize {
        if let Some(nul) = self.out.get_mut(self.len) {
            *nul = 0;
        }
        self.len
    }
}

#[cfg(test)]
mod tests {
    use super::Text;

    #[test]
    fn numbers_and_cuts() {
        let mut buf = [0xffu8; 32];
        let mut text = Text::new(&mut buf);
        text.str("n=");
        text.num(0);
        text.str(" ");
        text.num(18_446_744_073_709_551_615);
        let len = text.finish();
        assert_eq!(&buf[..len], b"n=0 18446744073709551615");
        assert_eq!(buf[len], 0);
    }
}
