/*
 * The `$metadata` document of Latch's feed: the CSDL of the NuGet v2 `V2FeedPackage` entity and
 * the service operations the feed answers. NuGet clients read it to learn which operations a
 * feed supports (https://www.odata.org/documentation/odata-version-2-0/overview/, §2.2 CSDL).
 */

const STRING_PROPERTIES = [
  'Version',
  'NormalizedVersion',
  'Authors',
  'Copyright',
  'Dependencies',
  'Description',
  'GalleryDetailsUrl',
  'IconUrl',
  'Language',
  'PackageHash',
  'PackageHashAlgorithm',
  'ProjectUrl',
  'ReportAbuseUrl',
  'ReleaseNotes',
  'Summary',
  'Tags',
  'Title',
  'MinClientVersion',
  'LicenseUrl',
  'LicenseNames',
  'LicenseReportUrl',
];
const TYPED_PROPERTIES: [string, string][] = [
  ['Created', 'Edm.DateTime'],
  ['DownloadCount', 'Edm.Int32'],
  ['IsLatestVersion', 'Edm.Boolean'],
  ['IsAbsoluteLatestVersion', 'Edm.Boolean'],
  ['IsPrerelease', 'Edm.Boolean'],
  ['LastUpdated', 'Edm.DateTime'],
  ['Published', 'Edm.DateTime'],
  ['PackageSize', 'Edm.Int64'],
  ['RequireLicenseAcceptance', 'Edm.Boolean'],
  ['VersionDownloadCount', 'Edm.Int32'],
  ['LastEdited', 'Edm.DateTime'],
];

const property = (name: string, type: string, nullable: boolean) =>
  `<Property Name="${name}" Type="${type}" Nullable="${nullable}" />`;

const functionImport = (name: string, parameters: [string, string][]) =>
  `<FunctionImport Name="${name}" EntitySet="Packages" ` +
  `ReturnType="Collection(NuGetGallery.OData.V2FeedPackage)" m:HttpMethod="GET">` +
  parameters.map(([p, t]) => `<Parameter Name="${p}" Type="${t}" FixedLength="false" />`).join('') +
  '</FunctionImport>';

export const NUGET_METADATA_DOCUMENT =
  '<?xml version="1.0" encoding="utf-8"?>' +
  '<edmx:Edmx Version="1.0" xmlns:edmx="http://schemas.microsoft.com/ado/2007/06/edmx">' +
  '<edmx:DataServices m:DataServiceVersion="2.0" m:MaxDataServiceVersion="2.0" ' +
  'xmlns:m="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">' +
  '<Schema Namespace="NuGetGallery.OData" xmlns="http://schemas.microsoft.com/ado/2006/04/edm">' +
  '<EntityType Name="V2FeedPackage" m:HasStream="true">' +
  '<Key><PropertyRef Name="Id" /><PropertyRef Name="Version" /></Key>' +
  property('Id', 'Edm.String', false) +
  STRING_PROPERTIES.map((name) => property(name, 'Edm.String', name !== 'Version')).join('') +
  TYPED_PROPERTIES.map(([name, type]) => property(name, type, true)).join('') +
  '</EntityType></Schema>' +
  '<Schema Namespace="NuGetGallery" xmlns="http://schemas.microsoft.com/ado/2006/04/edm">' +
  '<EntityContainer Name="V2FeedContext" m:IsDefaultEntityContainer="true">' +
  '<EntitySet Name="Packages" EntityType="NuGetGallery.OData.V2FeedPackage" />' +
  functionImport('Search', [
    ['searchTerm', 'Edm.String'],
    ['targetFramework', 'Edm.String'],
    ['includePrerelease', 'Edm.Boolean'],
  ]) +
  functionImport('FindPackagesById', [['id', 'Edm.String']]) +
  '</EntityContainer></Schema></edmx:DataServices></edmx:Edmx>';
