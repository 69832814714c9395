import { el } from './dom.js';

// A textarea for rules with a mirror behind it that underlines each diagnostic at its position. The mirror
// holds the same text in the same font, transparent, so only the underlines show through the textarea.
export class RuleField {
  constructor(textarea, mirror) {
    this.textarea = textarea;
    this.mirror = mirror;
    this.marks = [];
    textarea.addEventListener('input', () => this.render());
    textarea.addEventListener('scroll', () => { mirror.scrollTop = textarea.scrollTop; });
  }

  get value() { return this.textarea.value; }

  set value(text) { this.textarea.value = text; this.marks = []; this.render(); }

  // The lines that are rules (blank lines skipped), each with where it starts in the text.
  lines() {
    const result = [];
    let offset = 0;
    for (const text of this.textarea.value.split('\n')) {
      if (text.trim()) result.push({ text, offset });
      offset += text.length + 1;
    }
    return result;
  }

  // marks: [{ start, length, severity, message }] as offsets into the whole text.
  mark(marks) {
    this.marks = marks;
    this.render();
  }

  render() {
    const text = this.textarea.value;
    const flags = new Array(text.length + 1).fill(null);
    for (const mark of this.marks) {
      const start = Math.min(mark.start, text.length);
      const end = Math.max(start + 1, Math.min(mark.start + mark.length, text.length + 1));
      for (let i = start; i < end; i++) if (flags[i] !== 'error') flags[i] = mark;
    }
    this.mirror.replaceChildren();
    let i = 0;
    while (i <= text.length) {
      const mark = flags[i];
      let j = i + 1;
      while (j <= text.length && flags[j] === mark) j++;
      // Past the end (a missing token), a space carries the underline.
      const piece = text.slice(i, Math.min(j, text.length)) + (j > text.length && mark ? '\u00a0' : '');
      if (mark) this.mirror.append(el('mark', { class: mark.severity === 'error' ? 'error-mark' : 'warning-mark', title: mark.message, text: piece }));
      else if (piece) this.mirror.append(document.createTextNode(piece));
      i = j;
    }
    // A trailing newline needs a character after it to take up its line.
    this.mirror.append(document.createTextNode('\u200b'));
    this.mirror.scrollTop = this.textarea.scrollTop;
  }
}
