import React from 'react';
import { SelectableValue } from '@grafana/data';
import { InlineField, InlineSwitch, Input, MultiSelect } from '@grafana/ui';
import { URL_KEYS, UrlState } from '../pages/state/urlState';

type UrlKey = (typeof URL_KEYS)[keyof typeof URL_KEYS];

interface MultiProps {
  url: UrlState;
  urlKey: UrlKey;
  label: string;
  placeholder: string;
  options: Array<SelectableValue<string>>;
  width: number;
  /** The selected values; the URL's by default. */
  value?: string[];
}

/** A toolbar multi-select whose values repeat the URL parameter (`kind=a&kind=b`). */
export function UrlMultiSelect({ url, urlKey, label, placeholder, options, width, value }: MultiProps) {
  return (
    <InlineField label={label} shrink>
      <MultiSelect
        aria-label={label}
        width={width}
        placeholder={placeholder}
        options={options}
        value={value ?? url.getAll(urlKey)}
        onChange={(values: Array<SelectableValue<string>>) =>
          url.update({ [urlKey]: values.map((v) => v.value!).filter(Boolean) })
        }
      />
    </InlineField>
  );
}

/** The kind filter of the map pages (`kind=`), over the kinds the page shows. */
export function KindSelect({ url, kinds }: { url: UrlState; kinds: readonly string[] }) {
  const options = React.useMemo(() => kinds.map((k) => ({ label: k, value: k })), [kinds]);
  return (
    <UrlMultiSelect
      url={url}
      urlKey={URL_KEYS.kind}
      label="Kind"
      width={30}
      placeholder="All kinds"
      options={options}
    />
  );
}

interface TextProps {
  url: UrlState;
  urlKey: UrlKey;
  label: string;
  /** The input's accessible name; the label by default. */
  ariaLabel?: string;
  placeholder: string;
  width: number;
}

/** A toolbar text filter kept in the URL as typed. */
export function UrlTextInput({ url, urlKey, label, ariaLabel, placeholder, width }: TextProps) {
  return (
    <InlineField label={label} shrink>
      <Input
        aria-label={ariaLabel ?? label}
        width={width}
        placeholder={placeholder}
        value={url.get(urlKey) ?? ''}
        onChange={(e) => url.update({ [urlKey]: e.currentTarget.value })}
      />
    </InlineField>
  );
}

/** The "Problems only" switch, kept in the URL as `problems=1`. */
export function ProblemsOnlySwitch({ url }: { url: UrlState }) {
  return (
    <InlineField label="Problems only" shrink>
      <InlineSwitch
        aria-label="Problems only"
        value={url.get(URL_KEYS.problemsOnly) === '1'}
        onChange={(e) => url.update({ [URL_KEYS.problemsOnly]: e.currentTarget.checked ? '1' : undefined })}
      />
    </InlineField>
  );
}
