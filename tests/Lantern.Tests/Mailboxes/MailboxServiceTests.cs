using Lantern.Mailboxes;
using Microsoft.Extensions.Time.Testing;

namespace Lantern.Tests.Mailboxes;

public sealed class MailboxServiceTests : IDisposable
{
    private static readonly MailboxId Id = MailboxId.Parse("1001@default");
    private static readonly MailboxSource Prov = MailboxSource.Upstream("prov");
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 28, 12, 0, 0, TimeSpan.Zero));
    private readonly FailingMailboxRepository _repository = new();
    private readonly MailboxService _service;

    public MailboxServiceTests()
    {
        _service = new MailboxService(_repository, _time, new MailboxServiceOptions { MaxMailboxes = 5, MaxBatchItems = 100 });
    }

    public void Dispose() => _service.Dispose();

    private static MailboxUpdate Set(int n, int o, int un = 0, int uo = 0) => MailboxUpdate.Replace(new MailboxCounts(new MessageCounts(n, o, un, uo)));

    private static MailboxUpdate Delta(long n, long o) =>
        MailboxUpdate.Delta(new Dictionary<MessageClass, MessageCountsDelta> { [MessageClass.Voice] = new(n, o, 0, 0) });

    private async Task<MailboxService> LoadedAsync()
    {
        await _service.LoadAsync(CancellationToken.None);
        return _service;
    }

    [Fact]
    public async Task UpdateAsync_BeforeLoad_UnavailableAndNothingWritten()
    {
        var result = await _service.UpdateAsync(Id, MailboxSource.Api, Set(1, 0), null, CancellationToken.None);

        Assert.Equal(MailboxWriteStatus.Unavailable, result.Status);
        Assert.Equal(0, _repository.Rows);
    }

    [Fact]
    public async Task UpdateAsync_NewMailbox_CreatesVersionOneOwnedByWriterAndPublishes()
    {
        var service = await LoadedAsync();
        using var reader = service.Changes.Subscribe();

        var result = await service.UpdateAsync(Id, Prov, Set(1, 2), null, CancellationToken.None);

        Assert.Equal(MailboxWriteStatus.Changed, result.Status);
        var mailbox = Assert.IsType<Mailbox>(result.Mailbox);
        Assert.Equal((1L, Prov, _time.GetUtcNow()), (mailbox.Version, mailbox.Source, mailbox.UpdatedAt));
        Assert.True(mailbox.Waiting);
        Assert.Equal(mailbox, service.Find(Id));
        Assert.True(reader.TryRead(out var change));
        Assert.Equal((1L, MailboxChangeKind.Updated, mailbox), (change.Sequence, change.Kind, change.Mailbox));
        Assert.Equal(1, _repository.Rows);
    }

    [Fact]
    public async Task UpdateAsync_SameCounts_UnchangedWithoutVersionOrEvent()
    {
        var service = await LoadedAsync();
        await service.UpdateAsync(Id, MailboxSource.Api, Set(1, 2), null, CancellationToken.None);
        var sequence = service.Changes.LastSequence;

        var result = await service.UpdateAsync(Id, MailboxSource.Api, MailboxUpdate.SetClass(MessageClass.Voice, 1, null, null, null), null, CancellationToken.None);

        Assert.Equal(MailboxWriteStatus.Unchanged, result.Status);
        Assert.Equal(1, result.Mailbox!.Version);
        Assert.Equal(sequence, service.Changes.LastSequence);
    }

    [Fact]
    public async Task UpdateAsync_OtherSource_OwnedByOtherNamingTheOwner()
    {
        var service = await LoadedAsync();
        await service.UpdateAsync(Id, Prov, Set(1, 0), null, CancellationToken.None);

        var result = await service.UpdateAsync(Id, MailboxSource.Api, Set(5, 0), null, CancellationToken.None);

        Assert.Equal(MailboxWriteStatus.OwnedByOther, result.Status);
        Assert.Equal("mailbox 1001@default is owned by upstream:prov", result.Error);
        Assert.Equal(1, service.Find(Id)!.Counts.Voice.New);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(2L)]
    public async Task UpdateAsync_WrongExpectedVersion_VersionMismatch(long expected)
    {
        var service = await LoadedAsync();
        await service.UpdateAsync(Id, MailboxSource.Api, Set(1, 0), null, CancellationToken.None);

        var result = await service.UpdateAsync(Id, MailboxSource.Api, Set(2, 0), expected, CancellationToken.None);

        Assert.Equal(MailboxWriteStatus.VersionMismatch, result.Status);
        Assert.Contains("is at version 1", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateAsync_ExpectedVersionMatches_Applies()
    {
        var service = await LoadedAsync();
        Assert.Equal(MailboxWriteStatus.Changed, (await service.UpdateAsync(Id, MailboxSource.Api, Set(1, 0), 0, CancellationToken.None)).Status);

        var result = await service.UpdateAsync(Id, MailboxSource.Api, Set(2, 0), 1, CancellationToken.None);

        Assert.Equal((MailboxWriteStatus.Changed, 2L), (result.Status, result.Mailbox!.Version));
    }

    [Fact]
    public async Task UpdateAsync_DeltaBelowZero_InvalidAndStateKept()
    {
        var service = await LoadedAsync();
        await service.UpdateAsync(Id, MailboxSource.Api, Set(1, 0), null, CancellationToken.None);

        var result = await service.UpdateAsync(Id, MailboxSource.Api, Delta(-2, 1), null, CancellationToken.None);

        Assert.Equal(MailboxWriteStatus.Invalid, result.Status);
        Assert.Contains("negative", result.Error, StringComparison.Ordinal);
        Assert.Equal(1, service.Find(Id)!.Version);
    }

    [Fact]
    public async Task UpdateAsync_UrgentAboveNew_InvalidNamingTheRule()
    {
        var service = await LoadedAsync();

        var result = await service.UpdateAsync(Id, MailboxSource.Api, Set(1, 0, un: 2), null, CancellationToken.None);

        Assert.Equal(MailboxWriteStatus.Invalid, result.Status);
        Assert.Contains("urgentNew (2) must not exceed new (1)", result.Error, StringComparison.Ordinal);
        Assert.Null(service.Find(Id));
    }

    [Fact]
    public async Task UpdateAsync_StoreFails_UnavailableNothingChangedNoEvent()
    {
        var service = await LoadedAsync();
        await service.UpdateAsync(Id, MailboxSource.Api, Set(1, 0), null, CancellationToken.None);
        _repository.Fail = true;

        var update = await service.UpdateAsync(Id, MailboxSource.Api, Set(2, 0), null, CancellationToken.None);
        var create = await service.UpdateAsync(MailboxId.Parse("new"), MailboxSource.Api, Set(2, 0), null, CancellationToken.None);

        Assert.Equal(MailboxWriteStatus.Unavailable, update.Status);
        Assert.Equal(MailboxWriteStatus.Unavailable, create.Status);
        Assert.Equal(1, service.Find(Id)!.Counts.Voice.New);
        Assert.Null(service.Find(MailboxId.Parse("new")));
        Assert.Equal(1, service.Count);
        Assert.Equal(1, service.Changes.LastSequence);
    }

    [Fact]
    public async Task UpdateAsync_MailboxLimitReached_UnavailableButExistingStillWritable()
    {
        var service = await LoadedAsync();
        for (var i = 0; i < 5; i++)
        {
            await service.UpdateAsync(MailboxId.Parse($"{i}"), MailboxSource.Api, Set(0, 0), null, CancellationToken.None);
        }

        var sixth = await service.UpdateAsync(MailboxId.Parse("6"), MailboxSource.Api, Set(0, 0), null, CancellationToken.None);
        var existing = await service.UpdateAsync(MailboxId.Parse("0"), MailboxSource.Api, Set(1, 0), null, CancellationToken.None);

        Assert.Equal(MailboxWriteStatus.Unavailable, sixth.Status);
        Assert.Contains("limit (5)", sixth.Error, StringComparison.Ordinal);
        Assert.Equal(MailboxWriteStatus.Changed, existing.Status);
    }

    [Fact]
    public async Task DeleteAsync_Cases_NotFoundOwnedByOtherAndDeleted()
    {
        var service = await LoadedAsync();
        await service.UpdateAsync(Id, Prov, Set(1, 0), null, CancellationToken.None);
        using var reader = service.Changes.Subscribe();

        var missing = await service.DeleteAsync(MailboxId.Parse("nope"), Prov, CancellationToken.None);
        var other = await service.DeleteAsync(Id, MailboxSource.Api, CancellationToken.None);
        var deleted = await service.DeleteAsync(Id, Prov, CancellationToken.None);

        Assert.Equal(MailboxWriteStatus.NotFound, missing.Status);
        Assert.Equal(MailboxWriteStatus.OwnedByOther, other.Status);
        Assert.Equal(MailboxWriteStatus.Changed, deleted.Status);
        Assert.Null(service.Find(Id));
        Assert.Equal(0, _repository.Rows);
        Assert.True(reader.TryRead(out var change));
        Assert.Equal(MailboxChangeKind.Deleted, change.Kind);
        Assert.Equal(1, change.Mailbox.Counts.Voice.New);
    }

    [Fact]
    public async Task DeleteWhereAsync_ApiSource_DeletesOnlyMatchingApiOwnedMailboxes()
    {
        var service = await LoadedAsync();
        await service.UpdateAsync(MailboxId.Parse("100"), MailboxSource.Api, Set(1, 0), null, CancellationToken.None);
        await service.UpdateAsync(MailboxId.Parse("101"), MailboxSource.Api, Set(1, 0), null, CancellationToken.None);
        await service.UpdateAsync(MailboxId.Parse("200"), MailboxSource.Api, Set(1, 0), null, CancellationToken.None);
        await service.UpdateAsync(MailboxId.Parse("102"), Prov, Set(1, 0), null, CancellationToken.None);

        var deleted = await service.DeleteWhereAsync(id => id.Mailbox.StartsWith("10", StringComparison.Ordinal), MailboxSource.Api, CancellationToken.None);

        Assert.Equal(2, deleted);
        Assert.Equal(["102@default", "200@default"], service.List(MailboxQuery.All).Select(m => m.Id.ToString()));
    }

    [Fact]
    public async Task DeleteWhereAsync_StoreFails_ThrowsUnavailableAndKeepsState()
    {
        var service = await LoadedAsync();
        await service.UpdateAsync(Id, MailboxSource.Api, Set(1, 0), null, CancellationToken.None);
        _repository.Fail = true;

        await Assert.ThrowsAsync<MailboxUnavailableException>(() => service.DeleteWhereAsync(_ => true, MailboxSource.Api, CancellationToken.None).AsTask());

        Assert.NotNull(service.Find(Id));
    }

    [Fact]
    public async Task UpdateBatchAsync_BadItems_NothingAppliedAndEveryBadIndexListed()
    {
        var service = await LoadedAsync();
        await service.UpdateAsync(MailboxId.Parse("owned"), Prov, Set(1, 0), null, CancellationToken.None);
        var sequence = service.Changes.LastSequence;
        MailboxBatchItem[] items =
        [
            new(MailboxId.Parse("a"), Set(1, 0)),
            new(MailboxId.Parse("owned"), Set(2, 0)),
            new(MailboxId.Parse("b"), Set(1, 0, un: 3)),
            new(MailboxId.Parse("c"), Set(1, 0)),
        ];

        var result = await service.UpdateBatchAsync(items, MailboxSource.Api, CancellationToken.None);

        Assert.False(result.Applied);
        Assert.Equal([(1, MailboxWriteStatus.OwnedByOther), (2, MailboxWriteStatus.Invalid)], result.Errors.Select(e => (e.Index, e.Status)));
        Assert.All(result.Errors, e => Assert.NotEmpty(e.Error));
        Assert.Null(service.Find(MailboxId.Parse("a")));
        Assert.Equal(sequence, service.Changes.LastSequence);
    }

    [Fact]
    public async Task UpdateBatchAsync_ValidItems_AllAppliedOneVersionPerMailbox()
    {
        var service = await LoadedAsync();
        await service.UpdateAsync(MailboxId.Parse("same"), MailboxSource.Api, Set(1, 0), null, CancellationToken.None);
        MailboxBatchItem[] items =
        [
            new(MailboxId.Parse("a"), Set(1, 0)),
            new(MailboxId.Parse("a"), Delta(1, 1)),
            new(MailboxId.Parse("same"), Set(1, 0)),
            new(MailboxId.Parse("b"), Set(0, 3)),
        ];

        var result = await service.UpdateBatchAsync(items, MailboxSource.Api, CancellationToken.None);

        Assert.True(result.Applied);
        Assert.Equal(2, result.Changed);
        Assert.Equal((2, 1, 1L), (service.Find(MailboxId.Parse("a"))!.Counts.Voice.New, service.Find(MailboxId.Parse("a"))!.Counts.Voice.Old, service.Find(MailboxId.Parse("a"))!.Version));
        Assert.Equal(1, service.Find(MailboxId.Parse("same"))!.Version);
        Assert.Equal(3, service.Changes.LastSequence);
    }

    [Fact]
    public async Task UpdateBatchAsync_TooManyItems_RefusedAsWholeBatch()
    {
        var service = await LoadedAsync();
        var items = Enumerable.Range(0, 101).Select(i => new MailboxBatchItem(MailboxId.Parse($"{i}"), Set(0, 0))).ToList();

        var result = await service.UpdateBatchAsync(items, MailboxSource.Api, CancellationToken.None);

        Assert.False(result.Applied);
        var error = Assert.Single(result.Errors);
        Assert.Equal(MailboxService.WholeBatchIndex, error.Index);
        Assert.Contains("at most 100", error.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateBatchAsync_StoreFails_NothingApplied()
    {
        var service = await LoadedAsync();
        _repository.Fail = true;

        var result = await service.UpdateBatchAsync([new(Id, Set(1, 0))], MailboxSource.Api, CancellationToken.None);

        Assert.False(result.Applied);
        Assert.Equal(MailboxWriteStatus.Unavailable, Assert.Single(result.Errors).Status);
        Assert.Null(service.Find(Id));
        Assert.Equal(0, service.Count);
    }

    [Fact]
    public async Task SetPublicationLapsedAsync_Toggle_PersistsKeepsVersionAndCounts()
    {
        var service = await LoadedAsync();
        var peer = MailboxSource.Peer("pbx");
        await service.UpdateAsync(Id, peer, Set(3, 1), null, CancellationToken.None);

        var lapsed = await service.SetPublicationLapsedAsync(Id, peer, true, CancellationToken.None);
        var again = await service.SetPublicationLapsedAsync(Id, peer, true, CancellationToken.None);
        var other = await service.SetPublicationLapsedAsync(Id, MailboxSource.Api, false, CancellationToken.None);
        var missing = await service.SetPublicationLapsedAsync(MailboxId.Parse("none"), peer, true, CancellationToken.None);

        Assert.Equal(MailboxWriteStatus.Changed, lapsed.Status);
        Assert.True(lapsed.Mailbox!.PublicationLapsed);
        Assert.Equal((1L, 3), (lapsed.Mailbox.Version, lapsed.Mailbox.Counts.Voice.New));
        Assert.Equal(MailboxWriteStatus.Unchanged, again.Status);
        Assert.Equal(MailboxWriteStatus.OwnedByOther, other.Status);
        Assert.Equal(MailboxWriteStatus.NotFound, missing.Status);
        Assert.True((await _repository.LoadAllAsync(CancellationToken.None)).Single().PublicationLapsed);
    }

    [Fact]
    public async Task List_Filters_OrderedByIdWithCursorAndLimit()
    {
        var service = await LoadedAsync();
        await service.UpdateAsync(MailboxId.Parse("2@b"), MailboxSource.Api, Set(1, 0), null, CancellationToken.None);
        await service.UpdateAsync(MailboxId.Parse("1a@a"), MailboxSource.Api, Set(0, 0), null, CancellationToken.None);
        await service.UpdateAsync(MailboxId.Parse("1@a"), Prov, Set(1, 0), null, CancellationToken.None);
        await service.UpdateAsync(MailboxId.Parse("10@a"), MailboxSource.Api, Set(0, 1), null, CancellationToken.None);

        static string[] Ids(IReadOnlyList<Mailbox> list) => [.. list.Select(m => m.Id.ToString())];

        Assert.Equal(["10@a", "1@a", "1a@a", "2@b"], Ids(service.List(MailboxQuery.All)));
        Assert.Equal(["10@a", "1@a"], Ids(service.List(new MailboxQuery(Limit: 2))));
        Assert.Equal(["1a@a", "2@b"], Ids(service.List(new MailboxQuery(After: "1@a"))));
        Assert.Equal(["10@a", "1@a", "1a@a"], Ids(service.List(new MailboxQuery(Context: "a"))));
        Assert.Equal(["1@a", "2@b"], Ids(service.List(new MailboxQuery(Waiting: true))));
        Assert.Equal(["1@a"], Ids(service.List(new MailboxQuery(Source: Prov))));
        Assert.Equal(["10@a", "1@a", "1a@a"], Ids(service.List(new MailboxQuery(Prefix: "1"))));
        Assert.Equal(["2@b"], Ids(service.List(new MailboxQuery(Match: id => id.Context == "b"))));
        Assert.Empty(service.List(new MailboxQuery(Limit: 0)));
    }

    [Fact]
    public async Task UpdateAsync_ConcurrentDeltasOnOneMailbox_NoneLost()
    {
        var service = await LoadedAsync();
        await service.UpdateAsync(Id, MailboxSource.Api, Set(0, 0), null, CancellationToken.None);

        var writes = Enumerable.Range(0, 200).Select(_ => Task.Run(async () => await service.UpdateAsync(Id, MailboxSource.Api, Delta(1, 0), null, CancellationToken.None)));
        await Task.WhenAll(writes).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal((200, 201L), (service.Find(Id)!.Counts.Voice.New, service.Find(Id)!.Version));
    }

    [Fact]
    public async Task UpdateAsync_CancelledWhileQueuedBehindAnotherWrite_ThrowsAndWritesNothing()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var service = new MailboxService(new BlockingRepository(gate.Task), _time);
        await service.LoadAsync(CancellationToken.None);
        var first = service.UpdateAsync(Id, MailboxSource.Api, Set(1, 0), null, CancellationToken.None).AsTask();
        using var cts = new CancellationTokenSource();
        var second = service.UpdateAsync(Id, MailboxSource.Api, Set(2, 0), null, cts.Token).AsTask();

        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second.WaitAsync(TimeSpan.FromSeconds(10)));
        gate.SetResult();

        Assert.Equal(MailboxWriteStatus.Changed, (await first.WaitAsync(TimeSpan.FromSeconds(10))).Status);
        Assert.Equal((1, 1L), (service.Find(Id)!.Counts.Voice.New, service.Find(Id)!.Version));
    }

    [Fact]
    public async Task InMemory_Created_ReadyWithoutLoad()
    {
        using var service = MailboxService.InMemory(_time);

        var result = await service.UpdateAsync(Id, MailboxSource.Api, Set(1, 0), null, CancellationToken.None);

        Assert.Equal(MailboxWriteStatus.Changed, result.Status);
    }

    private sealed class BlockingRepository(Task gate) : IMailboxRepository
    {
        public ValueTask<IReadOnlyList<Mailbox>> LoadAllAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<Mailbox>>([]);

        public async ValueTask<long> UpsertAsync(Mailbox mailbox, MailboxHistoryEntry history, CancellationToken cancellationToken)
        {
            await gate;
            return 0;
        }

        public async ValueTask<long> DeleteAsync(MailboxId id, MailboxHistoryEntry history, CancellationToken cancellationToken)
        {
            await gate;
            return 0;
        }

        public async ValueTask<long> ApplyBatchAsync(IReadOnlyList<Mailbox> upserts, IReadOnlyList<MailboxId> deletes, IReadOnlyList<MailboxHistoryEntry> history, CancellationToken cancellationToken)
        {
            await gate;
            return 0;
        }

        public ValueTask<IReadOnlyList<MailboxHistoryEntry>> LoadHistoryAsync(MailboxId id, int limit, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<MailboxHistoryEntry>>([]);
    }
}
