"""The lab's colours, the same in every lesson: real data blue, generated magenta."""

REAL_COLOR = "#1f4e9c"  # p_data: blue, like the D(x) -> 1 side of the field
FAKE_COLOR = "#c2185b"  # p_G: magenta, like the D(x) -> 0 side
ARROW_COLOR = "#6a1b4d"
FIELD_DOMAIN = [0.0, 0.5, 1.0]
FIELD_RANGE = ["#f5b8cf", "#ffffff", "#b3cde8"]  # D = 0, 1/2, 1
