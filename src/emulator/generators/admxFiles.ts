import { Rng } from '../prng';
import { description } from './common';
import type { GenerateContext, PolicyGenerator } from './generator';

// Custom ADMX files uploaded for admxIngested administrative templates. Graph documents `content`
// on the file and its language files, but public tools found it empty (IntuneCD issue #270): the
// emulator serves null there, list and item alike.

const PRODUCTS = [
  { file: 'chrome', prefix: 'chrome', namespace: 'Google.Policies.Chrome', name: 'Google Chrome' },
  { file: 'firefox', prefix: 'firefox', namespace: 'Mozilla.Policies.Firefox', name: 'Mozilla Firefox' },
  { file: 'ZoomMeetings', prefix: 'zoom', namespace: 'Zoom.Policies.Meetings', name: 'Zoom Meetings' },
  { file: 'AcrobatReader', prefix: 'acrobat', namespace: 'Adobe.Policies.Reader', name: 'Adobe Acrobat' },
  { file: 'ContosoAgent', prefix: 'contoso', namespace: 'Contoso.Policies.Agent', name: 'Contoso Agent' },
];

export const uploadedAdmxFilesGenerator: PolicyGenerator = {
  weight: 0.3,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    const product = rng.pick(PRODUCTS);
    const fileName = `${product.file}${ctx.index}.admx`;
    const languages = rng.bool(0.3) ? ['en-US', 'de-DE'] : ['en-US'];
    return {
      object: {
        id: ctx.id,
        displayName: `${product.name} ${ctx.index}`,
        description: description(rng, `${product.name} administrative template.`) ?? '',
        languageCodes: languages,
        targetPrefix: `${product.prefix}${ctx.index}`,
        targetNamespace: `${product.namespace}${ctx.index}`,
        policyType: 'admxIngested',
        // A new version of the file is an upload: a new revision and upload time.
        revision: `${rng.int(1, 9)}.${ctx.revision}`,
        fileName,
        lastModifiedDateTime: ctx.lastModifiedDateTime,
        status: 'available',
        content: null,
        uploadDateTime: ctx.lastModifiedDateTime,
        defaultLanguageCode: 'en-US',
        groupPolicyUploadedLanguageFiles: languages.map((languageCode) => ({
          fileName: fileName.replace(/\.admx$/, '.adml'),
          languageCode,
          content: null,
          id: new Rng(`${ctx.label}:adml:${languageCode}`).guid(),
          lastModifiedDateTime: ctx.lastModifiedDateTime,
        })),
      },
    };
  },
};
