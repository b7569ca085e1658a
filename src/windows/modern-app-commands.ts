/**
 * EnterpriseModernAppManagement CSP commands for Store apps, as data a SyncML channel sends.
 * Spec: https://learn.microsoft.com/windows/client-management/mdm/enterprisemodernappmanagement-csp
 * and "Enterprise app management" (StoreInstall). Pure: no I/O.
 */

export type CspContext = 'device' | 'user';

/**
 * One OMA-DM command on one CSP node, in the shape the Windows channel queues
 * (`{ verb, items: [{ target, format?, data? }] }`).
 */
export interface AppCspCommand {
  verb: 'Exec' | 'Get' | 'Delete';
  items: [{ target: string; format?: 'xml'; data?: string }];
}

const root = (context: CspContext) =>
  `./${context === 'device' ? 'Device' : 'User'}/Vendor/MSFT/EnterpriseModernAppManagement`;

/**
 * Exec …/AppInstallation/{PackageFamilyName}/StoreInstall with the Application element: the
 * Store product ID, flags 0 and the SKU. User context installs for the enrolled user; device
 * context provisions for every user of the PC.
 */
export function storeInstallCommand(
  app: { storeId: string; packageFamilyName: string; skuId?: string },
  context: CspContext,
): AppCspCommand {
  const skuId = app.skuId ?? '0016';
  return {
    verb: 'Exec',
    items: [
      {
        target: `${root(context)}/AppInstallation/${app.packageFamilyName}/StoreInstall`,
        format: 'xml',
        data: `<Application id="${xmlAttr(app.storeId)}" flags="0" skuid="${xmlAttr(skuId)}"/>`,
      },
    ],
  };
}

/**
 * The Gets that tell how a StoreInstall went: Store installs send no completion alert, so the
 * server polls AppInstallation/{PFN}/Status, LastError and LastErrorDesc, and reads the
 * installed package under AppManagement/AppStore/{PFN} (its child is the package full name,
 * which carries the version).
 */
export function storeInstallStatusQueries(packageFamilyName: string, context: CspContext) {
  const installation = `${root(context)}/AppInstallation/${packageFamilyName}`;
  return {
    status: get(`${installation}/Status`),
    lastError: get(`${installation}/LastError`),
    lastErrorDesc: get(`${installation}/LastErrorDesc`),
    installed: get(`${root(context)}/AppManagement/AppStore/${packageFamilyName}`),
  };
}

/** Uninstall: Delete of the app's node under AppManagement/AppStore. */
export function storeUninstallCommand(
  packageFamilyName: string,
  context: CspContext,
): AppCspCommand {
  return {
    verb: 'Delete',
    items: [{ target: `${root(context)}/AppManagement/AppStore/${packageFamilyName}` }],
  };
}

const get = (target: string): AppCspCommand => ({ verb: 'Get', items: [{ target }] });

/**
 * The SyncML element of one command, in the layout of Microsoft's documentation examples
 * (CmdID, Item, Target/LocURI, Meta/Format, Data). The Windows channel wraps these in its
 * SyncBody.
 */
export function renderCspCommand(command: AppCspCommand, cmdId: string): string {
  const [item] = command.items;
  const lines = [
    `<${command.verb}>`,
    `  <CmdID>${xmlText(cmdId)}</CmdID>`,
    '  <Item>',
    '    <Target>',
    `      <LocURI>${xmlText(item.target)}</LocURI>`,
    '    </Target>',
  ];
  if (item.format) {
    lines.push(
      '    <Meta>',
      `      <Format xmlns="syncml:metinf">${item.format}</Format>`,
      '    </Meta>',
    );
  }
  if (item.data !== undefined) {
    lines.push('    <Data>', `      ${item.data}`, '    </Data>');
  }
  lines.push('  </Item>', `</${command.verb}>`);
  return `${lines.join('\n')}\n`;
}

/** The installed version in a package full name, Name_Version_Arch_ResourceId_PublisherId. */
export function versionOfPackageFullName(packageFullName: string): string | null {
  const version = packageFullName.split('_')[1];
  return version && /^\d+(\.\d+){1,3}$/.test(version) ? version : null;
}

function xmlAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function xmlText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
