"use client";

import { useEffect, useRef, useState, type ComponentType } from "react";

/** A dialog component that loads its code on first use; `preload` starts that early (on a sign of intent: a pointer over its opener, the opener's focus). */
export type LazyDialog<P> = ComponentType<P> & { preload(): void };

/**
 * A dialog that is loaded when it is first wanted instead of with the page, for dialogs most visits
 * never open (the chat page's first-load JavaScript budget, docs/web-performance.md). `load` is a
 * dynamic import of the dialog's module, made once per page, when the component first renders or
 * on `preload`. The component renders nothing until the module has arrived (a few milliseconds on
 * a working connection, none after a preload), then the dialog with the same props. A load that
 * fails (offline) calls the dialog's `onClose`, so its opener is ready to try again, and is tried
 * afresh the next time.
 */
export function lazyDialog<P extends { onClose(): void }>(load: () => Promise<ComponentType<P>>): LazyDialog<P> {
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<ComponentType<P>> | null = null;
  function loadOnce(): Promise<ComponentType<P>> {
    loading ??= load().then(
      (dialog) => (loaded = dialog),
      (err: unknown) => {
        loading = null;
        throw err;
      },
    );
    return loading;
  }
  function LazyDialog(props: P) {
    const [Dialog, setDialog] = useState<ComponentType<P> | null>(() => loaded);
    const onClose = useRef(props.onClose);
    onClose.current = props.onClose;
    useEffect(() => {
      if (Dialog) return;
      let live = true;
      loadOnce().then(
        (dialog) => live && setDialog(() => dialog),
        () => live && onClose.current(),
      );
      return () => {
        live = false;
      };
    }, [Dialog]);
    return Dialog ? <Dialog {...props} /> : null;
  }
  return Object.assign(LazyDialog, { preload: () => void loadOnce().catch(() => {}) });
}
