/**
 * The parts of the WinGet REST source protocol (OpenAPI 1.10.0, microsoft/winget-cli-restsource
 * documentation/WinGet-1.10.0.yaml) that Latch reads. The Microsoft Store's msstore source speaks
 * it, adding `$type` annotations that we ignore.
 */

export type MatchType =
  | 'Exact'
  | 'CaseInsensitive'
  | 'StartsWith'
  | 'Substring'
  | 'Wildcard'
  | 'Fuzzy'
  | 'FuzzySubstring';

export type PackageMatchField =
  | 'PackageIdentifier'
  | 'PackageName'
  | 'Moniker'
  | 'Command'
  | 'Tag'
  | 'PackageFamilyName'
  | 'ProductCode'
  | 'UpgradeCode'
  | 'NormalizedPackageNameAndPublisher'
  | 'Market'
  | 'HasInstallerType';

export interface SearchRequestMatch {
  KeyWord: string;
  MatchType: MatchType;
}

export interface PackageMatchFilter {
  PackageMatchField: PackageMatchField;
  RequestMatch: SearchRequestMatch;
}

export interface ManifestSearchRequest {
  MaximumResults?: number;
  FetchAllManifests?: boolean;
  Query?: SearchRequestMatch;
  Inclusions?: PackageMatchFilter[];
  Filters?: PackageMatchFilter[];
}

export interface ManifestSearchVersion {
  PackageVersion: string;
  Channel?: string;
  PackageFamilyNames?: string[];
  ProductCodes?: string[];
}

export interface ManifestSearchResult {
  PackageIdentifier: string;
  PackageName: string;
  Publisher: string;
  Versions?: ManifestSearchVersion[];
}

export interface ManifestSearchResponse {
  Data: ManifestSearchResult[];
  ContinuationToken?: string;
  RequiredPackageMatchFields?: PackageMatchField[];
  UnsupportedPackageMatchFields?: PackageMatchField[];
}

export interface Markets {
  AllowedMarkets?: string[];
  ExcludedMarkets?: string[];
}

export interface Installer {
  InstallerIdentifier?: string;
  InstallerType?: string;
  Architecture?: string;
  Scope?: string;
  PackageFamilyName?: string;
  MSStoreProductIdentifier?: string;
  InstallerUrl?: string;
  Markets?: Markets;
}

export interface DefaultLocale {
  PackageLocale?: string;
  PackageName?: string;
  Publisher?: string;
  ShortDescription?: string;
  Icons?: { IconUrl: string; IconResolution?: string }[];
}

export interface ManifestVersion {
  PackageVersion: string;
  DefaultLocale?: DefaultLocale;
  Installers?: Installer[];
}

/** The `Data` of a packageManifests answer. */
export interface PackageManifest {
  PackageIdentifier: string;
  Versions?: ManifestVersion[];
}

export interface SourceInformation {
  SourceIdentifier: string;
  ServerSupportedVersions: string[];
  UnsupportedPackageMatchFields?: PackageMatchField[];
  RequiredPackageMatchFields?: PackageMatchField[];
  UnsupportedQueryParameters?: string[];
  RequiredQueryParameters?: string[];
}
