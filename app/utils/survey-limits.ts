// What the survey pages print and the survey service enforces, in one place that the browser bundle
// can import (a constant from a *.server module is dropped from it and renders as undefined).
export const MAX_SURVEY_TITLE = 100
export const SURVEY_FILE_TYPES_TEXT = 'Excel（.xlsx）或 CSV（.csv）'
