/**
 * Component name (as @hubspot/ui-extensions sends it over remote-ui) → the HTML the preview draws for it.
 * A name missing here renders as a red box naming it, so a gap is visible rather than silent. To add a
 * mapping: write the component next to its kin in this folder (give its root element `hs(name, props)`),
 * then list it below; test/preview/README.md has the details.
 */
import type { ComponentMapping } from '@remote-ui/react/host';
import { Button, ButtonRow, Dropdown, DropdownButtonItem, LoadingButton } from './buttons';
import { BarChart, LineChart } from './charts';
import { Checkbox, MultiSelect, RadioButton, Select, Toggle, ToggleGroup } from './choices';
import { CrmActionButton, CrmActionLink, CrmDataHighlight, CrmPropertyList } from './crm';
import {
  Alert,
  EmptyState,
  ErrorState,
  LoadingSpinner,
  ProgressBar,
  ScoreCircle,
  Statistics,
  StatisticsItem,
  StatisticsTrend,
  StatusTag,
  StepIndicator,
  Tag,
} from './feedback';
import { DateInput, TimeInput } from './dates';
import { Form, Input, SearchInput, TextArea, Textarea } from './inputs';
import { CurrencyInput, NumberInput, StepperInput } from './numbers';
import { Accordion, AutoGrid, Box, Card, Divider, Flex, Inline, Spacer, Stack, Tile } from './layout';
import { Icon, Illustration, Image } from './media';
import {
  Modal,
  ModalBody,
  ModalFooter,
  Panel,
  PanelBody,
  PanelFooter,
  PanelSection,
  Tooltip,
} from './overlays';
import { Table, TableBody, TableCell, TableFooter, TableHead, TableHeader, TableRow } from './table';
import { Tab, Tabs } from './tabs';
import { DescriptionList, DescriptionListItem, Heading, Link, List, Text } from './text';
import type { BaseProps } from './shared';

// Each mapping takes the props the extension passed; remote-ui hands them over untyped.
type Mapping = ComponentMapping[string];

export const COMPONENTS: ComponentMapping = {
  Accordion,
  Alert,
  AutoGrid,
  BarChart,
  Box,
  Button,
  ButtonRow,
  Card,
  Checkbox,
  CrmActionButton,
  CrmActionLink,
  CrmDataHighlight,
  CrmPropertyList,
  CurrencyInput,
  DateInput,
  DescriptionList,
  DescriptionListItem,
  Divider,
  Dropdown,
  DropdownButtonItem,
  EmptyState,
  ErrorState,
  Flex,
  Form,
  Heading,
  Icon,
  Illustration,
  Image,
  Inline,
  Input,
  LineChart,
  Link,
  List,
  LoadingButton,
  LoadingSpinner,
  Modal,
  ModalBody,
  ModalFooter,
  MultiSelect,
  NumberInput,
  Panel,
  PanelBody,
  PanelFooter,
  PanelSection,
  ProgressBar,
  RadioButton,
  ScoreCircle,
  SearchInput,
  Select,
  Spacer,
  Stack,
  Statistics,
  StatisticsItem,
  StatisticsTrend,
  StatusTag,
  StepIndicator,
  StepperInput,
  Tab,
  Table,
  TableBody,
  TableCell,
  TableFooter,
  TableHead,
  TableHeader,
  TableRow,
  Tabs,
  Tag,
  Text,
  TextArea,
  Textarea,
  Tile,
  TimeInput,
  Toggle,
  ToggleGroup,
  Tooltip,
};

const unknownByName = new Map<string, Mapping>();

/** The red box for a component the preview cannot draw; its children still render inside it. */
export function unknownComponent(name: string): Mapping {
  let existing = unknownByName.get(name);
  if (!existing) {
    const Unknown = (props: BaseProps) => (
      <div
        data-component="Unknown"
        data-unknown-component={name}
        {...(props.testId !== undefined ? { 'data-testid': props.testId } : {})}
        className="pv-unknown"
        role="note"
      >
        <div className="pv-unknown__title">
          Unknown component &lt;{name}&gt;: the local preview has no drawing for it
        </div>
        {props.children}
      </div>
    );
    Unknown.displayName = `Unknown(${name})`;
    existing = Unknown;
    unknownByName.set(name, existing);
  }
  return existing;
}
