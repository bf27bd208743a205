using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Realtime.Bench.Micro -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Realtime.Bench.Micro.MembershipBenchmarks).Assembly).Run(args);
