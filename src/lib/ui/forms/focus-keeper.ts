/**
 * Keeps keyboard focus among controls that replace one another (Run → Pause/Cancel → Run, Run → Stop).
 * When the focused control leaves the page, the browser drops focus to the document's start; the
 * control that takes its place picks it up instead. Attach `group` to the element around them and
 * `take` to each control (or a box around it) that may appear in another's place.
 */
export function focusKeeper(): {
	group: (node: HTMLElement) => () => void;
	take: (node: HTMLElement) => void;
} {
	/** Focus was inside the group and has not moved to anything outside it since. */
	let within = false;
	return {
		group(node) {
			const onIn = () => (within = true);
			const onOut = (event: FocusEvent) => {
				// relatedTarget is null when the focused element is removed (or the window loses focus).
				const next = event.relatedTarget;
				if (next instanceof Node && !node.contains(next)) within = false;
			};
			node.addEventListener('focusin', onIn);
			node.addEventListener('focusout', onOut);
			return () => {
				node.removeEventListener('focusin', onIn);
				node.removeEventListener('focusout', onOut);
			};
		},
		take(node) {
			// After this update: the control it replaces is gone by then.
			setTimeout(() => {
				const active = document.activeElement;
				if (!within || !node.isConnected || (active !== null && active !== document.body)) return;
				const target =
					node.tabIndex >= 0 || node.hasAttribute('tabindex')
						? node
						: (node.querySelector<HTMLElement>('button, [tabindex]') ?? node);
				target.focus();
			}, 0);
		}
	};
}
