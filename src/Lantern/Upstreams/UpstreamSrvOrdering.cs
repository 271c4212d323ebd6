namespace Lantern.Upstreams;

/// <summary>RFC 2782 target selection order: ascending priority, and within one priority a weighted random order.</summary>
internal static class UpstreamSrvOrdering
{
    /// <summary>Orders <paramref name="records"/> for trying in turn. <paramref name="randomInclusive"/>(n) returns a number in 0..n.</summary>
    public static List<UpstreamSrvRecord> Order(IReadOnlyList<UpstreamSrvRecord> records, Func<int, int> randomInclusive)
    {
        var result = new List<UpstreamSrvRecord>(records.Count);
        var byPriority = new SortedDictionary<int, List<UpstreamSrvRecord>>();
        foreach (var r in records)
        {
            // A single "." target means the service is decidedly not offered (RFC 2782).
            if (r.Target.Length == 0 || r.Target == ".")
            {
                continue;
            }

            if (!byPriority.TryGetValue(r.Priority, out var list))
            {
                list = [];
                byPriority.Add(r.Priority, list);
            }

            // RFC 2782: zero-weight records go first in the list before the running sums are taken.
            if (r.Weight == 0)
            {
                list.Insert(0, r);
            }
            else
            {
                list.Add(r);
            }
        }

        foreach (var list in byPriority.Values)
        {
            while (list.Count > 0)
            {
                var total = 0;
                foreach (var r in list)
                {
                    total += Math.Max(0, r.Weight);
                }

                var pick = randomInclusive(total);
                var running = 0;
                var chosen = list.Count - 1;
                for (var i = 0; i < list.Count; i++)
                {
                    running += Math.Max(0, list[i].Weight);
                    if (running >= pick)
                    {
                        chosen = i;
                        break;
                    }
                }

                result.Add(list[chosen]);
                list.RemoveAt(chosen);
            }
        }

        return result;
    }
}
