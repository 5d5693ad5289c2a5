/** Small shared controls for widgets: labelled native inputs (keyboard-usable as they are). */
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';
import './widget.css';

export interface SliderProps {
  label: ComponentChildren;
  value: number;
  min: number;
  max: number;
  step?: number;
  onInput: (value: number) => void;
  /** The value as shown next to the slider (default: the number). */
  display?: string;
  /** Spoken value (aria-valuetext), when the display needs words. */
  valueText?: string;
}

export function Slider({ label, value, min, max, step = 1, onInput, display, valueText }: SliderProps) {
  const id = useId();
  return (
    <div class="widget-control widget-slider">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="range"
        min={min}
        max={max}
        step={step}
        value={value}
        aria-valuetext={valueText ?? display}
        onInput={(e) => onInput(Number((e.currentTarget as HTMLInputElement).value))}
      />
      <output for={id}>{display ?? String(value)}</output>
    </div>
  );
}

export interface ChoiceProps<T extends string> {
  label: ComponentChildren;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
}

export function Choice<T extends string>({ label, value, options, onChange }: ChoiceProps<T>) {
  const id = useId();
  return (
    <div class="widget-control widget-choice">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange((e.currentTarget as HTMLSelectElement).value as T)}>
        {options.map((o) => (
          <option value={o.value}>{o.label}</option>
        ))}
      </select>
    </div>
  );
}

export function Toggle({ label, checked, onChange }: { label: ComponentChildren; checked: boolean; onChange: (v: boolean) => void }) {
  const id = useId();
  return (
    <div class="widget-control widget-toggle">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange((e.currentTarget as HTMLInputElement).checked)} />
      <label for={id}>{label}</label>
    </div>
  );
}

export interface DataTableProps {
  caption: string;
  columns: string[];
  rows: (string | number)[][];
  /** Summary text of the <details> disclosure. */
  summary?: string;
}

/** The text alternative to a chart: a table with the plotted numbers, updated together with the plot. */
export function DataTable({ caption, columns, rows, summary = 'Show the numbers as a table' }: DataTableProps) {
  return (
    <details class="widget-table">
      <summary>{summary}</summary>
      <div class="widget-table__scroll">
        <table>
          <caption>{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th scope="col">{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr>
                {row.map((cell, i) => (i === 0 ? <th scope="row">{cell}</th> : <td>{cell}</td>))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

/** The outer frame of a widget: a labelled figure with controls, chart, readout and table. */
export function WidgetFrame({ title, children, name }: { title: string; children: ComponentChildren; name: string }) {
  return (
    <figure class="widget not-content" data-widget={name} aria-label={title}>
      <figcaption class="widget__title">{title}</figcaption>
      {children}
    </figure>
  );
}
