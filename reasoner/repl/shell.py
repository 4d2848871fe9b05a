"""The interactive shell: prompt_toolkit around a `Session`.

Enter runs the input when it is complete (`inputs.is_complete`) and otherwise starts a
continuation line; Esc Enter submits it as it is. Ctrl-C at the prompt drops the input, Ctrl-C
during an evaluation cancels it (the engine's changes are atomic, so the session is as it was),
Ctrl-D leaves. No exception from a command ends the loop.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

from reasoner.repl.completer import prompt_completer, vocabulary_of
from reasoner.repl.history import open_history
from reasoner.repl.inputs import is_complete
from reasoner.repl.lexer import STYLE, rule_lexer
from reasoner.repl.script import CONTINUATION, PROMPT
from reasoner.repl.session import Session


def key_bindings():
    from prompt_toolkit.key_binding import KeyBindings

    bindings = KeyBindings()

    @bindings.add("enter")
    def _enter(event):
        buffer = event.current_buffer
        state = buffer.complete_state
        if state is not None and state.current_completion is not None:
            buffer.apply_completion(state.current_completion)
            return
        if is_complete(buffer.text):
            buffer.validate_and_handle()
        else:
            buffer.insert_text("\n")

    @bindings.add("escape", "enter")
    def _force(event):
        event.current_buffer.validate_and_handle()

    return bindings


def run_shell(session: Session, history_file: Path | None = None, banner: str = "") -> int:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.styles import Style

    prompt: PromptSession[str] = PromptSession(
        PROMPT,
        multiline=True,
        prompt_continuation=lambda width, line_number, soft_wrap: CONTINUATION,
        history=open_history(history_file),
        lexer=rule_lexer(),
        completer=prompt_completer(lambda: vocabulary_of(session.engine, session.commands)),
        complete_while_typing=False,
        style=Style.from_dict({f"{kind}": style for kind, style in STYLE.items() if style}),
        key_bindings=key_bindings(),
        include_default_pygments_style=False,
    )
    if banner:
        print(banner)
    # Ctrl-C stops an evaluation (KeyboardInterrupt) even if whatever started this process left
    # SIGINT ignored, which a child inherits (a shell's background job, a test runner).
    if signal.getsignal(signal.SIGINT) in (signal.SIG_IGN, signal.SIG_DFL):
        signal.signal(signal.SIGINT, signal.default_int_handler)
    while True:
        try:
            text = prompt.prompt()
        except KeyboardInterrupt:
            continue
        except EOFError:
            return 0
        started = time.perf_counter()
        try:
            reply = session.handle(text)
        except KeyboardInterrupt:
            elapsed = time.perf_counter() - started
            session.say(f"interrupted after {elapsed:.1f} s; the session is unchanged")
            continue
        if reply.stop:
            return 0
