"""What the screens show, without Textual: view values, the trace buffer, braille plots and
the summary and history views. The app (:mod:`perineo.tui`) draws them."""
