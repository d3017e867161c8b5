/**
 * May this user write annotations? Grafana's answer before we try: the permissions in the boot data
 * (`config.bootData.user.permissions`, action -> true, which Grafana 12 fills for every signed-in user),
 * else the org role. The real answer is the server's: a 403 on a write makes the pages read-only too.
 * Read from `config` rather than `hasPermission`, which throws where no user has been set (older hosts, tests).
 */
import { config } from '@grafana/runtime';

/** Creating an annotation (Mark incident) and changing one (Classify). */
export type AnnotationAction = 'annotations:create' | 'annotations:write';

/** true / false when Grafana's boot data says; undefined when it cannot tell (then try, and heed a 403). */
export function mayWriteAnnotations(action: AnnotationAction): boolean | undefined {
  const user = config.bootData?.user;
  if (!user || !user.isSignedIn) {
    return user ? false : undefined;
  }
  if (user.permissions && Object.keys(user.permissions).length > 0) {
    return user.permissions[action] === true;
  }
  switch (user.orgRole) {
    case 'Admin':
    case 'Editor':
      return true;
    case 'Viewer':
      // Grafana lets viewers annotate only with `viewers_can_edit`; let the server decide then.
      return config.viewersCanEdit ? undefined : false;
    default:
      return false;
  }
}

/** What the pages say when the user may not write (before trying, or after Grafana answered 403). */
export const READ_ONLY_MESSAGE =
  'Your Grafana role cannot change annotations in this organisation, so incidents are read-only for you. ' +
  'Ask an Editor or an Admin to mark or classify incidents, or for the annotations:create and annotations:write permissions.';
