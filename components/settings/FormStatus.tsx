import formStyles from "@/components/Form.module.scss";
import type { ActionState } from "@/lib/http/action";
import styles from "./Settings.module.scss";

/** The form-level message of an action: an error alert or a success note. */
export function FormStatus({ state }: { state: ActionState }) {
  if (state.error) {
    return (
      <div className={formStyles.alert} role="alert">
        {state.error}
      </div>
    );
  }
  if (state.success) {
    return (
      <div className={styles.success} role="status">
        {state.success}
      </div>
    );
  }
  return null;
}
