/**
 * Where a conversation's message list opens: at the unread divider, just below the sticky day
 * label, or else at the newest message. Written without imports, closures or syntax a build would
 * rewrite into helpers, because it also runs as it is: as the inline script the server puts right
 * after the list (`PLACE_VIEW_SCRIPT`), so that the first paint already shows that place instead of
 * the oldest messages of the page and then a jump once the scripts have run. It marks the list as
 * placed; MessageList places it only when that has not happened (a page opened in the browser).
 */
export function placeView(el: HTMLElement): void {
  el.setAttribute("data-placed", "");
  const divider = el.querySelector("[data-unread-divider]") as HTMLElement | null;
  const label = el.querySelector("[role=separator][data-day]") as HTMLElement | null;
  if (divider) el.scrollTop = Math.max(0, divider.offsetTop - (label ? label.offsetHeight : 0) - 16);
  else el.scrollTop = el.scrollHeight;
}

/** The attribute MessageList's scroller carries, for the inline script to find it. */
export const SCROLLER_ATTRIBUTE = "data-message-scroller";

/** The inline script that places a server-rendered list before the first paint (no user text in it). */
export const PLACE_VIEW_SCRIPT = `(function(){var el=document.querySelector("[${SCROLLER_ATTRIBUTE}]");if(el)(${placeView.toString()})(el)})()`;
