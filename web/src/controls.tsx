/** Small labelled form controls shared by the settings tabs: every control has a visible label and a keyboard path. */
import { useId, type ReactNode } from 'react';

export interface Choice<T extends string> {
  value: T;
  label: string;
  hint?: string;
}

/** A question with one answer, shown as radio buttons (arrow keys move between them, as browsers do). */
export function RadioGroup<T extends string>(props: { legend: string; name: string; value: T; choices: Choice<T>[]; onChange: (value: T) => void; disabled?: boolean; children?: ReactNode }) {
  const id = useId();
  return (
    <fieldset className="question" disabled={props.disabled}>
      <legend>{props.legend}</legend>
      <div className="choices">
        {props.choices.map((choice) => {
          const hintId = `${id}-${choice.value}-hint`;
          return (
            <div key={choice.value}>
              <label className="choice">
                <input type="radio" name={`${props.name}-${id}`} value={choice.value} checked={props.value === choice.value} onChange={() => props.onChange(choice.value)} aria-describedby={choice.hint ? hintId : undefined} />
                <span>{choice.label}</span>
              </label>
              {choice.hint ? (
                <small id={hintId} className="hint choice-hint">
                  {choice.hint}
                </small>
              ) : null}
            </div>
          );
        })}
      </div>
      {props.children}
    </fieldset>
  );
}

/** An on/off setting, a checkbox styled as a switch. */
export function Toggle(props: { label: string; checked: boolean; onChange: (checked: boolean) => void; disabled?: boolean; description?: string }) {
  const id = useId();
  return (
    <div className="toggle-row">
      <input id={id} type="checkbox" role="switch" className="switch" checked={props.checked} disabled={props.disabled} onChange={(event) => props.onChange(event.target.checked)} aria-describedby={props.description ? `${id}-d` : undefined} />
      <label htmlFor={id}>{props.label}</label>
      {props.description ? (
        <p id={`${id}-d`} className="hint">
          {props.description}
        </p>
      ) : null}
    </div>
  );
}

export function Notice(props: { tone: 'info' | 'warning' | 'danger'; title?: string; children: ReactNode; role?: 'alert' | 'status' | 'note' }) {
  return (
    <div className={`notice notice-${props.tone}`} role={props.role ?? 'note'}>
      {props.title ? <strong className="notice-title">{props.title}</strong> : null}
      <div>{props.children}</div>
    </div>
  );
}

export function Section(props: { title: string; id?: string; description?: ReactNode; children: ReactNode; actions?: ReactNode }) {
  const headingId = useId();
  return (
    <section className="card section" aria-labelledby={headingId} id={props.id}>
      <header className="section-header">
        <h2 id={headingId}>{props.title}</h2>
        {props.actions}
      </header>
      {props.description ? <div className="section-description">{props.description}</div> : null}
      {props.children}
    </section>
  );
}

/** A failure in words, announced to screen readers; nothing when there is none. */
export function ErrorText({ children, prefix }: { children: string | null | undefined; prefix?: string }) {
  if (!children) return null;
  return (
    <p className="form-error" role="alert">
      {prefix}
      {children}
    </p>
  );
}
