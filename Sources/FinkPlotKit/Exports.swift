// The kit is the command line's one dependency: the fetch layer's value types (surveys, keys,
// errors, dates) come through it, so the CLI never imports FinkAPI or builds clients itself.
@_exported import FinkAPI

import PlotCore

/// A figure's type, colours and line weights (PlotCore's), named for the command line.
public typealias FigureStyle = PlotCore.Style
