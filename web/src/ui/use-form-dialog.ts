import { reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorText } from '../api/client';
import { useIdempotentSubmit } from './use-idempotent-submit';

/**
 * The submit cycle every console form shares: clear old messages, check the fields (`check` fills `errors`
 * by field name), and only when they are clean run `send` with the busy flag up; a refusal from the server
 * becomes `serverError`, shown in the form. `send` does its own emit on success. Its POSTs carry the
 * form's Idempotency-Key (made when the form opened), and a second submit while one is in flight is
 * ignored, so a double click on 保存 creates one.
 */
export function useFormDialog(check: (errors: Record<string, string>) => void) {
  const { t } = useI18n();
  const errors = reactive<Record<string, string>>({});
  const serverError = ref('');
  const { busy, run } = useIdempotentSubmit();

  function validate(): boolean {
    for (const k of Object.keys(errors)) delete errors[k];
    check(errors);
    return Object.keys(errors).length === 0;
  }

  async function submit(send: () => Promise<void>): Promise<void> {
    if (busy.value) return;
    serverError.value = '';
    if (!validate()) return;
    try {
      await run(send);
    } catch (err) {
      serverError.value = errorText(err, t);
    }
  }

  return { errors, serverError, busy, validate, submit };
}
