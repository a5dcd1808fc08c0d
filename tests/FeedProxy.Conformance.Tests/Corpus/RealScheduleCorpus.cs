using FeedProxy.Conformance.Tests.Harness;

namespace FeedProxy.Conformance.Tests.Corpus;

/// <summary>
/// Real conference schedules (frab/pentabarf XML such as FOSDEM's, pretalx and c3voc JSON)
/// read from the shared data folder beside the repository. The importer integration adds
/// them here: parse each file with its importer, then
/// <c>CorpusDocument.Create(CorpusKinds.Real, name, schedule)</c>. Their text is
/// third-party material, so it is read at test time from
/// <see cref="RepositoryLayout.SharedDataDirectory"/> and never copied into the repository;
/// when the folder is absent this corpus is empty and its tests say so.
/// </summary>
internal static class RealScheduleCorpus
{
    public static IReadOnlyList<CorpusDocument> Load() => [];
}
