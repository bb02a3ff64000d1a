; What in main's body decides which `main` the cell gets (render.py reads the capture names).
; A capture inside a function, closure, async block, impl, trait or mod belongs to that, not to main.

; `?`: main must return Result. Inside a macro's arguments it is only a token.
(try_expression) @try
(token_tree "?" @try)

; `return;` returns Ok(()) from a main that returns Result; `return Err(..)` needs that main.
(return_expression) @return

; A macro other than std's plain ones might expand to a `?`.
(macro_invocation macro: (_) @macro)
