//! A short list kept on the stack: the per-employee scratch lists of the engine (installments
//! by institution, claims, formula slots) have a handful of items, and a heap allocation for
//! each of them would cost more than the work done on them.

/// A list of plain (`Copy`) items whose first `N` live inline; past `N` the list moves to the
/// heap (order kept).
#[derive(Debug, Clone)]
pub(crate) struct SmallVec<T, const N: usize> {
    inline: [T; N],
    len: usize,
    /// Every item once the list outgrew `inline` (then `inline` is no longer read).
    heap: Vec<T>,
}

impl<T: Copy + Default, const N: usize> SmallVec<T, N> {
    /// An empty list; allocates nothing.
    #[inline]
    pub(crate) fn new() -> Self {
        SmallVec {
            inline: [T::default(); N],
            len: 0,
            heap: Vec::new(),
        }
    }

    /// Appends `value`.
    #[inline(always)]
    pub(crate) fn push(&mut self, value: T) {
        if self.heap.is_empty() && self.len < N {
            self.inline[self.len] = value;
            self.len += 1;
        } else {
            self.push_to_heap(value);
        }
    }

    /// [`SmallVec::push`] past the inline items: moves them to the heap first.
    #[cold]
    #[inline(never)]
    fn push_to_heap(&mut self, value: T) {
        if self.heap.is_empty() {
            self.heap.reserve(N.max(4) * 2);
            self.heap.extend_from_slice(&self.inline[..self.len]);
        }
        self.heap.push(value);
        self.len += 1;
    }

    /// Keeps the first `len` items.
    #[cfg(test)]
    #[inline]
    pub(crate) fn truncate(&mut self, len: usize) {
        if self.heap.is_empty() {
            self.len = self.len.min(len);
        } else {
            // Once on the heap the list stays there, unless it becomes empty (then `inline`,
            // with length 0, is the list again).
            self.heap.truncate(len);
            self.len = self.heap.len();
        }
    }

    /// The items, in order.
    #[inline]
    pub(crate) fn as_slice(&self) -> &[T] {
        if self.heap.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.heap
        }
    }

    /// The items, in order, mutable.
    #[inline]
    pub(crate) fn as_mut_slice(&mut self) -> &mut [T] {
        if self.heap.is_empty() {
            &mut self.inline[..self.len]
        } else {
            &mut self.heap
        }
    }
}

impl<T: Copy + Default, const N: usize> std::ops::Deref for SmallVec<T, N> {
    type Target = [T];

    #[inline]
    fn deref(&self) -> &[T] {
        self.as_slice()
    }
}

impl<T: Copy + Default, const N: usize> std::ops::DerefMut for SmallVec<T, N> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        self.as_mut_slice()
    }
}

impl<T: Copy + Default, const N: usize> FromIterator<T> for SmallVec<T, N> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut out = SmallVec::new();
        for item in iter {
            out.push(item);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::SmallVec;

    #[test]
    fn keeps_order_across_the_move_to_the_heap() {
        let mut v: SmallVec<u32, 3> = SmallVec::new();
        assert!(v.is_empty());
        for i in 0..10 {
            v.push(i);
            assert_eq!(v.len(), i as usize + 1);
            assert_eq!(v.as_slice(), (0..=i).collect::<Vec<_>>().as_slice());
        }
        v.as_mut_slice()[0] = 42;
        assert_eq!(v[0], 42);
        v.truncate(5);
        assert_eq!(v.as_slice(), [42, 1, 2, 3, 4]);
        v.push(7);
        assert_eq!(v.as_slice(), [42, 1, 2, 3, 4, 7]);
        v.truncate(0);
        assert!(v.is_empty());
        v.push(8);
        assert_eq!(v.as_slice(), [8]);
        let mut u: SmallVec<u32, 3> = [1, 2].into_iter().collect();
        u.truncate(1);
        u.push(5);
        assert_eq!(u.as_slice(), [1, 5]);
        let w: SmallVec<&str, 0> = ["a", "b"].into_iter().collect();
        assert_eq!(w.as_slice(), ["a", "b"]);
    }
}
