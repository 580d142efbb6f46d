import { useState } from 'react';
import { errorSentence } from '../mail/error-words';
import type { Question } from '../mail/question';
import { Icon } from './Icon';
import { Modal } from './Modal';

/**
 * Asks an action's question (mail/question.ts). While its answer is carried out the buttons wait; a
 * refusal is shown in the dialog, which stays open so the name can be changed or the step cancelled.
 */
export function QuestionDialog({ question, onClose }: { question: Question; onClose(): void }) {
  const [name, setName] = useState(question.kind === 'name' ? question.initial : '');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const answer = async () => {
    setBusy(true);
    setProblem(null);
    try {
      await (question.kind === 'name' ? question.submit(name.trim()) : question.submit());
      onClose();
    } catch (error) {
      setProblem(errorSentence(error));
      setBusy(false);
    }
  };
  return (
    <Modal title={question.title} className="question" onClose={onClose} initialFocus={question.kind === 'name' ? 'input' : '.button.danger'}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void answer();
        }}
      >
        {question.kind === 'name' ? (
          <label className="field">
            <span className="field-label">{question.label}</span>
            <input
              type="text"
              className="text-input"
              value={name}
              onChange={(event) => setName(event.target.value)}
              aria-invalid={problem !== null ? true : undefined}
              aria-describedby={problem !== null ? 'question-problem' : undefined}
              autoComplete="off"
              spellCheck={false}
            />
          </label>
        ) : (
          <p className="question-message">{question.message}</p>
        )}
        {problem !== null && (
          <p className="question-problem" id="question-problem" role="alert">
            <Icon name="alert" size={14} /> {problem}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={`button ${question.kind === 'confirm' ? 'danger' : 'primary'}`} disabled={busy || (question.kind === 'name' && !name.trim())}>
            {question.confirm}
          </button>
        </div>
      </form>
    </Modal>
  );
}
