import type { Rng } from '../prng';
import { assignments, base64Of, description, entityBasics, policyName, scopeTagIds } from './common';
import type { GenerateContext, PolicyGenerator } from './generator';

// Scripts: the collections leave out the content, which only GET <collection>/{id} returns
// (the registry's 'detail' expansion), so the content is `detail`, never part of the object.

function powershell(rng: Rng, revision: number): string {
  const lines = [
    '<#',
    '.SYNOPSIS',
    '  Configures the device for Contoso standards. Deployed by Intune.',
    '#>',
    '$ErrorActionPreference = "Stop"',
    `$LogPath = "$env:ProgramData\\Contoso\\Logs\\intune-${rng.hex(6)}.log"`,
    `$Revision = ${revision}`,
  ];
  for (let i = 0; i < rng.int(5, 120); i++) {
    lines.push(
      `Set-ItemProperty -Path "HKLM:\\SOFTWARE\\Policies\\Contoso\\Key${i}" -Name "Value${rng.int(1, 99)}" -Value ${rng.int(0, 1)} -Force`,
    );
  }
  lines.push('Write-Output "Done" | Out-File -FilePath $LogPath -Append', 'exit 0');
  return lines.join('\r\n');
}

function shell(rng: Rng, revision: number): string {
  const lines = ['#!/bin/zsh', '# Contoso macOS configuration, deployed by Intune', `REVISION=${revision}`];
  for (let i = 0; i < rng.int(5, 60); i++)
    lines.push(
      `defaults write /Library/Preferences/com.contoso.setting${i} Enabled -bool ${rng.bool() ? 'YES' : 'NO'}`,
    );
  lines.push('exit 0');
  return lines.join('\n');
}

export const powershellScriptsGenerator: PolicyGenerator = {
  weight: 6,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    return {
      object: {
        id: ctx.id,
        displayName: policyName(rng, 'WIN', 'PowerShell script', ctx.index),
        description: description(rng, 'Platform script.'),
        runAsAccount: rng.pick(['system', 'user']),
        enforceSignatureCheck: rng.bool(0.2),
        fileName: `Configure-${rng.hex(6)}.ps1`,
        roleScopeTagIds: scopeTagIds(rng, ctx),
        runAs32Bit: rng.bool(0.1),
        createdDateTime: ctx.createdDateTime,
        lastModifiedDateTime: ctx.lastModifiedDateTime,
      },
      detail: { scriptContent: base64Of(powershell(rng, ctx.revision)) },
      lists: { assignments: assignments(rng, ctx.id, { tenant: ctx, bare: true }) },
    };
  },
};

export const macosShellScriptsGenerator: PolicyGenerator = {
  weight: 2,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    return {
      object: {
        id: ctx.id,
        executionFrequency: rng.pick(['PT0S', 'PT15M', 'P1D', 'P1W']),
        retryCount: rng.int(0, 3),
        blockExecutionNotifications: rng.bool(0.5),
        displayName: policyName(rng, 'MAC', 'Shell script', ctx.index),
        description: description(rng, 'macOS shell script.'),
        runAsAccount: rng.pick(['system', 'user']),
        fileName: `configure-${rng.hex(6)}.sh`,
        roleScopeTagIds: scopeTagIds(rng, ctx),
        createdDateTime: ctx.createdDateTime,
        lastModifiedDateTime: ctx.lastModifiedDateTime,
      },
      detail: { scriptContent: base64Of(shell(rng, ctx.revision)) },
      lists: { assignments: assignments(rng, ctx.id, { tenant: ctx, bare: true }) },
    };
  },
};

export const remediationsGenerator: PolicyGenerator = {
  weight: 4,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    // Microsoft publishes a few scripts into every tenant; customers may assign them. Every
    // tenth, by index, so that any tenant with four or more remediations has one.
    const global = ctx.index % 10 === 3;
    return {
      object: {
        id: ctx.id,
        publisher: global ? 'Microsoft' : rng.pick(['Contoso IT', 'Fabrikam MSP']),
        version: global ? `${rng.int(1, 9)}.${rng.int(0, 9)}` : `1.${ctx.revision}`,
        displayName: policyName(rng, 'WIN', 'Remediation', ctx.index),
        description: description(rng, 'Detects and fixes drift.'),
        runAsAccount: rng.pick(['system', 'user']),
        enforceSignatureCheck: false,
        runAs32Bit: false,
        roleScopeTagIds: scopeTagIds(rng, ctx),
        isGlobalScript: global,
        highestAvailableVersion: global ? `${rng.int(1, 9)}.${rng.int(0, 9)}` : null,
        deviceHealthScriptType: global ? 'managedInstallerScript' : 'deviceHealthScript',
        detectionScriptParameters: [],
        remediationScriptParameters: [],
        createdDateTime: ctx.createdDateTime,
        lastModifiedDateTime: ctx.lastModifiedDateTime,
      },
      detail: {
        detectionScriptContent: base64Of(powershell(rng, ctx.revision)),
        remediationScriptContent: base64Of(powershell(rng, 0)),
      },
      lists: {
        assignments: assignments(rng, ctx.id, {
          tenant: ctx,
          bare: true,
          extra: (r) => ({
            runRemediationScript: true,
            runSchedule: {
              '@odata.type': '#microsoft.graph.deviceHealthScriptDailySchedule',
              interval: 1,
              useUtc: false,
              time: `0${r.int(0, 9)}:00:00.0000000`,
            },
          }),
        }),
      },
    };
  },
};

// A custom compliance detection script: it prints the JSON the policy's rules evaluate.
function complianceDetection(rng: Rng, revision: number): string {
  return [
    '$bitlocker = (Get-BitLockerVolume -MountPoint $env:SystemDrive).ProtectionStatus',
    `$agent = Get-Service -Name "ContosoAgent${rng.int(1, 9)}" -ErrorAction SilentlyContinue`,
    `$minimumBuild = ${22000 + 100 * revision}`,
    '$hash = @{ BitLocker = "$bitlocker"; AgentRunning = ($agent.Status -eq "Running");',
    '  BuildOk = ([Environment]::OSVersion.Version.Build -ge $minimumBuild) }',
    'return $hash | ConvertTo-Json -Compress',
  ].join('\r\n');
}

export const complianceScriptsGenerator: PolicyGenerator = {
  weight: 0.5,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    return {
      object: {
        ...entityBasics(ctx, 'WIN', 'Compliance script', 'Custom compliance detection.'),
        publisher: rng.pick(['Contoso IT', 'Fabrikam MSP']),
        version: '1.0',
        runAsAccount: 'system',
        enforceSignatureCheck: false,
        runAs32Bit: rng.bool(0.1),
        roleScopeTagIds: scopeTagIds(rng, ctx),
      },
      detail: { detectionScriptContent: base64Of(complianceDetection(rng, ctx.revision)) },
    };
  },
};

export const macosCustomAttributeScriptsGenerator: PolicyGenerator = {
  weight: 0.4,
  generate(ctx: GenerateContext) {
    const { rng } = ctx;
    const attribute = rng.pick(['FileVaultStatus', 'BatteryCycleCount', 'LastBackupDate', 'XProtectVersion']);
    return {
      object: {
        ...entityBasics(ctx, 'MAC', 'Custom attribute', 'macOS custom attribute.'),
        customAttributeName: `${attribute}${ctx.index}`,
        customAttributeType: rng.pick(['string', 'integer', 'dateTime']),
        runAsAccount: 'system',
        fileName: `${attribute.toLowerCase()}-${rng.hex(6)}.sh`,
        roleScopeTagIds: scopeTagIds(rng, ctx),
      },
      detail: { scriptContent: base64Of(shell(rng, ctx.revision)) },
      lists: { assignments: assignments(rng, ctx.id, { tenant: ctx, bare: true }) },
    };
  },
};
