import { reactive, ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { errorText } from '../api/client';

/**
 * The submit cycle every console form shares: clear old messages, check the fields (`check` fills `errors`
 * by field name), and only when they are clean run `send` with the busy flag up; a refusal from the server
 * becomes `serverError`, shown in the form. `send` does its own emit on success.
 */
export function useFormDialog(check: (errors: Record<string, string>) => void) {
  const { t } = useI18n();
  const errors = reactive<Record<string, string>>({});
  const serverError = ref('');
  const busy = ref(false);

  function validate(): boolean {
    for (const k of Object.keys(errors)) delete errors[k];
    check(errors);
    return Object.keys(errors).length === 0;
  }

  async function submit(send: () => Promise<void>): Promise<void> {
    serverError.value = '';
    if (!validate()) return;
    busy.value = true;
    try {
      await send();
    } catch (err) {
      serverError.value = errorText(err, t);
    } finally {
      busy.value = false;
    }
  }

  return { errors, serverError, busy, validate, submit };
}
