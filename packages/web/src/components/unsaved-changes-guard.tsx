import { useEffect } from 'react';
import { useBlocker } from 'react-router';
import { Modal } from './modal';

/**
 * Asks before leaving a page with unsaved edits, inside the console (a dialog) and when closing
 * or reloading the tab (the browser's own prompt). `shouldBlock` is read at navigation time, so
 * a page can let its own navigations (after a save) through.
 */
export function UnsavedChangesGuard({
  shouldBlock,
  ignoreSearch = false,
}: {
  shouldBlock(): boolean;
  /** The page keeps its edits across its own query parameters (tabs, a selected item). */
  ignoreSearch?: boolean;
}) {
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      shouldBlock() &&
      (currentLocation.pathname !== nextLocation.pathname ||
        (!ignoreSearch && currentLocation.search !== nextLocation.search)),
  );

  useEffect(() => {
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (shouldBlock()) event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [shouldBlock]);

  if (blocker.state !== 'blocked') return null;
  return (
    <Modal
      title="Leave without saving?"
      onClose={() => blocker.reset()}
      footer={
        <>
          <button type="button" className="btn" onClick={() => blocker.reset()}>
            Stay
          </button>
          <button type="button" className="btn btn--danger" onClick={() => blocker.proceed()}>
            Discard edits and leave
          </button>
        </>
      }
    >
      Your edits to this document are not saved. They are lost if you leave.
    </Modal>
  );
}
